using static InclusionServices.SchoolCalendar.Tests.ShippedData;

namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>
/// The shipped calendar files checked against the term dates their sources publish, written out once here with the
/// source of each year (../shared/docs/CALENDAR-SOURCES.md lists where each was read). A council's term dates include
/// the five days each school sets aside as INSET days: a normal year has 195 days in term, so 190 pupil days once a
/// school has set its five.
/// </summary>
public sealed class PublishedTermDates
{
    public sealed record Source(int Year, string Kind, string[] Terms, int DaysInTerm);

    private static readonly Source[] Sources =
    [
        // Staffordshire County Council, School Holidays & Term Dates 2019/20 (its 2 Sep is its common INSET day).
        new(2019, "stand-in", ["2019-09-02 2019-12-20 2019-10-28 2019-11-01", "2020-01-06 2020-04-03 2020-02-17 2020-02-21",
            "2020-04-20 2020-07-20 2020-05-25 2020-05-29"], 195),
        // wolverhampton.gov.uk news: pupils back "from Tuesday 1 September" 2020; the rest Birmingham City Council's term
        // dates (birmingham.gov.uk/term-dates), which a Sandwell school's page matches.
        new(2020, "stand-in", ["2020-09-01 2020-12-18 2020-10-26 2020-10-30", "2021-01-04 2021-04-01 2021-02-15 2021-02-19",
            "2021-04-19 2021-07-21 2021-05-31 2021-06-04"], 195),
        // Birmingham City Council; the summer term ends Thu 21 Jul 2022 (Fri 22 Jul the region's extra Jubilee day):
        // Bilston CE Primary, Wolverhampton. 194 days: the extra day off.
        new(2021, "stand-in", ["2021-09-02 2021-12-17 2021-10-25 2021-10-29", "2022-01-04 2022-04-08 2022-02-21 2022-02-25",
            "2022-04-25 2022-07-21 2022-05-30 2022-06-03"], 194),
        // Dudley and Sandwell (Express & Star, 30 Aug 2022) and Birmingham, identical. 193 days: the bank holidays for
        // the state funeral (19 Sep 2022) and the coronation (8 May 2023) fell in term.
        new(2022, "stand-in", ["2022-09-05 2022-12-16 2022-10-24 2022-10-28", "2023-01-03 2023-03-31 2023-02-20 2023-02-24",
            "2023-04-17 2023-07-25 2023-05-29 2023-06-02"], 193),
        // Birmingham City Council and a Sandwell school, identical.
        new(2023, "stand-in", ["2023-09-04 2023-12-22 2023-10-30 2023-11-03", "2024-01-08 2024-03-22 2024-02-12 2024-02-16",
            "2024-04-08 2024-07-22 2024-05-27 2024-05-31"], 195),
        // Solihull Council (solihull.gov.uk/schools-and-learning/school-term-dates); Dudley, Sandwell, Birmingham agree.
        new(2024, "stand-in", ["2024-09-02 2024-12-20 2024-10-28 2024-11-01", "2025-01-06 2025-04-11 2025-02-17 2025-02-21",
            "2025-04-28 2025-07-21 2025-05-26 2025-05-30"], 195),
        // "published by City of Wolverhampton Council following consultation" (Whitgreave Primary's term times page,
        // whose own INSET days 1 Sep, 19 Dec, 5 Jan, 13 Apr and 20 Jul fall inside these dates).
        new(2025, "published", ["2025-09-01 2025-12-19 2025-10-27 2025-10-31", "2026-01-05 2026-03-27 2026-02-16 2026-02-20",
            "2026-04-13 2026-07-20 2026-05-25 2026-05-29"], 195),
        // Warwickshire County Council, "in line with the West Midlands Term Dates Regional Group"; the summer end
        // (21 Jul 2027) is a guess making the usual 195 days, and the file says so.
        new(2026, "stand-in", ["2026-09-01 2026-12-18 2026-10-26 2026-10-30", "2027-01-04 2027-03-25 2027-02-15 2027-02-19",
            "2027-04-12 2027-07-21 2027-05-31 2027-06-04"], 195),
    ];

    public static TheoryData<int> Years => [.. Sources.Select(s => s.Year)];

    private static SchoolYearCalendar Shipped(int year) => Loaded.Calendar.Years.Single(y => y.StartYear == year);

    [Fact]
    public void Every_school_year_from_2019_20_to_2026_27_is_shipped() =>
        Assert.Equal(Sources.Select(s => s.Year), Loaded.Calendar.Years.Select(y => y.StartYear).Order());

    [Theory]
    [MemberData(nameof(Years))]
    public void The_term_dates_are_the_sources(int year)
    {
        var source = Sources.Single(s => s.Year == year);
        var terms = Shipped(year).Terms
            .Select(t => $"{t.Start:yyyy-MM-dd} {t.End:yyyy-MM-dd} {t.HalfTermStart:yyyy-MM-dd} {t.HalfTermEnd:yyyy-MM-dd}");
        Assert.Equal(source.Terms, terms);
    }

    [Theory]
    [MemberData(nameof(Years))]
    public void The_status_line_says_published_or_stand_in_and_names_the_source(int year)
    {
        var status = Shipped(year).Status;
        Assert.Equal(Sources.Single(s => s.Year == year).Kind, CalendarStatus.KindOf(status));
        Assert.True(status.Length > 40, $"{year}: the status should name its source: '{status}'");
    }

    [Theory]
    [MemberData(nameof(Years))]
    public void No_inset_day_is_guessed_into_the_local_authority_calendar(int year) =>
        Assert.Empty(Shipped(year).InsetDays);

    [Theory]
    [MemberData(nameof(Years))]
    public void Each_year_has_its_days_in_term_and_five_fewer_pupil_days_at_a_school_with_five_inset_days(int year)
    {
        var source = Sources.Single(s => s.Year == year);
        var days = Loaded.Calendar.For(null);
        Assert.Equal(source.DaysInTerm, days.SchoolDaysIn(year));

        // A school's five INSET days (here its first five days of term) come out of the council's days.
        var firstFive = new HashSet<DateOnly>();
        for (var day = SchoolYears.FirstDate(year); firstFive.Count < 5; day = day.AddDays(1))
        {
            if (days.IsSchoolDay(day))
            {
                firstFive.Add(day);
            }
        }
        var school = Loaded.Calendar.WithOverride(new SchoolCalendarOverride("199999", year, null, firstFive)).For("199999");
        Assert.Equal(source.DaysInTerm - 5, school.SchoolDaysIn(year));
    }
}
