using static InclusionServices.SchoolCalendar.Tests.ShippedData;

namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>
/// School days worked out by hand from the shipped 2019/20 to 2026/27 calendars (the council's term dates, or a
/// neighbouring council's where Wolverhampton's were not found; bank holidays of England) and two schools'
/// overrides. Each row's comment shows the count.
/// </summary>
public sealed class WorkedCalendarCases
{
    [Theory]
    [InlineData(null, "2022-09-05", true)]   // first day of the 2022/23 autumn term, a Monday
    [InlineData(null, "2022-09-03", false)]  // Saturday
    [InlineData(null, "2022-09-19", false)]  // one-off bank holiday: State Funeral of Queen Elizabeth II
    [InlineData(null, "2022-10-24", false)]  // autumn half term
    [InlineData(null, "2022-12-19", false)]  // Christmas holidays, after the term ended on 16 December
    [InlineData(null, "2023-01-03", true)]   // first day of spring term (Mon 2 January was a substitute bank holiday)
    [InlineData(null, "2025-09-02", true)]   // Tue 2 Sep 2025, the council's second day of term
    [InlineData(null, "2025-09-01", true)]   // Mon 1 Sep 2025: a council term day (a school that takes it as INSET overrides it)
    [InlineData(null, "2025-04-14", false)]  // Easter holidays 2025: spring ended Fri 11 April, summer starts Mon 28 April
    [InlineData(null, "2022-07-22", false)]  // Fri 22 July 2022: the region's extra day for the Platinum Jubilee
    [InlineData(null, "2023-05-08", false)]  // one-off bank holiday: Coronation of King Charles III
    [InlineData(null, "2020-05-08", false)]  // one-off: early May bank holiday moved for VE Day
    [InlineData(null, "2022-06-03", false)]  // one-off Platinum Jubilee bank holiday, in the half term week
    [InlineData(SchoolWithInsetDays, "2022-09-05", false)] // that school's INSET day
    [InlineData(AcademyWithOwnTerms, "2022-09-01", true)]  // the academy's own first day of term
    [InlineData(null, "2022-09-01", false)]  // still the summer holiday for the local authority's schools
    public void Is_a_school_day(string? school, string date, bool expected) =>
        Assert.Equal(expected, Calendar.For(school).IsSchoolDay(D(date)));

    [Theory]
    [InlineData(null, "2022-09-16", 1, "2022-09-20")]  // Fri -> Mon 19 is the funeral bank holiday -> Tue 20
    [InlineData(null, "2022-09-09", 1, "2022-09-12")]  // over a weekend
    [InlineData(null, "2022-10-21", 1, "2022-10-31")]  // over the autumn half term (24-28 October)
    [InlineData(null, "2022-10-17", 15, "2022-11-14")] // 18,19,20,21 (4); half term; 31 Oct-4 Nov (9); 7-11 (14); 14 (15)
    [InlineData(null, "2022-12-16", 1, "2023-01-03")]  // over Christmas: spring starts Tuesday 3 January
    [InlineData(null, "2023-03-31", 1, "2023-04-17")]  // over the Easter holidays
    [InlineData(null, "2023-05-05", 1, "2023-05-09")]  // Fri -> Mon 8 is the coronation bank holiday -> Tue 9
    [InlineData(null, "2020-05-07", 1, "2020-05-11")]  // Thu -> Fri 8 is the VE Day bank holiday -> Mon 11
    [InlineData(null, "2022-05-27", 1, "2022-06-06")]  // over the Jubilee half term (30 May-3 June)
    [InlineData(null, "2022-11-07", 50, "2023-01-31")] // 8 Nov-16 Dec (29); 3-6 Jan (33); 9-27 Jan (48); 30, 31 Jan (50)
    [InlineData(null, "2022-12-05", 15, "2023-01-10")] // 6-9 Dec (4); 12-16 (9); 3-6 Jan (13); 9, 10 (15)
    [InlineData(null, "2025-04-11", 1, "2025-04-28")]  // over Easter 2025 (Good Friday 18, Easter Monday 21 April in the holidays)
    [InlineData(null, "2025-10-24", 1, "2025-11-03")]  // over the 2025 autumn half term (27-31 October)
    [InlineData(null, "2023-01-11", 10, "2023-01-25")] // 12, 13 (2); 16-20 (7); 23, 24, 25 (10)
    public void Nth_school_day_after(string? school, string from, int n, string expected) =>
        Assert.Equal(D(expected), Calendar.For(school).NthSchoolDayAfter(D(from), n));

    [Theory]
    [InlineData(null, "2022-10-17", "2022-10-31")]  // Mon before half term: 17,18,19,20,21 are days 1-5; day 6 is Mon 31
    [InlineData(SchoolWithInsetDays, "2022-10-17", "2022-11-01")] // that school's INSET day on 31 Oct pushes it to Tue 1 Nov
    [InlineData(null, "2022-12-13", "2023-01-04")]  // 13,14,15,16 Dec (4); 3 Jan (5); 4 Jan (6)
    [InlineData(null, "2025-04-08", "2025-04-29")]  // 8-11 Apr (4); Easter holidays 14-25 Apr; 28 Apr (5); 29 Apr (6)
    [InlineData(null, "2022-11-07", "2022-11-14")]  // a plain week: 7-11 (5), Mon 14 (6)
    public void Sixth_school_day_of_an_exclusion(string? school, string firstDay, string expected) =>
        Assert.Equal(D(expected), Calendar.For(school).NthSchoolDayFrom(D(firstDay), 6));

    [Theory]
    [InlineData("2022-10-21", "2022-10-31", 1)]  // only Monday 31 October
    [InlineData("2022-09-05", "2022-09-30", 18)] // 6-9 (4), 12-16 (5), 20-23 (4, the 19th a bank holiday), 26-30 (5)
    [InlineData("2022-12-16", "2023-01-06", 4)]  // 3, 4, 5, 6 January
    [InlineData("2022-09-30", "2022-09-05", 0)]  // an empty span
    public void School_days_between(string from, string to, int expected) =>
        Assert.Equal(expected, Calendar.For(null).SchoolDaysBetween(D(from), D(to)));

    [Fact]
    public void Sessions_are_two_a_school_day() =>
        Assert.Equal(8, Calendar.For(null).SessionsBetween(D("2022-09-05"), D("2022-09-09"))); // 6,7,8,9 Sept

    [Fact]
    public void The_school_year_and_term_of_a_date()
    {
        Assert.Equal(2021, SchoolYears.Of(D("2022-07-31")));
        Assert.Equal(2022, SchoolYears.Of(D("2022-08-01")));
        Assert.Equal(TermName.Autumn, Calendar.For(null).TermOf(D("2022-10-25"))); // half term is part of the term
        Assert.Null(Calendar.For(null).TermOf(D("2022-12-25")));
        Assert.Equal(TermName.Summer, Calendar.For(null).TermOf(D("2023-05-08")));
    }

    [Fact]
    public void A_date_in_a_school_year_without_a_calendar_cannot_be_counted()
    {
        var error = Assert.Throws<CalendarNotKnownException>(() => Calendar.For(null).IsSchoolDay(D("2030-01-10")));
        Assert.Equal(2029, error.SchoolYearStart);
        Assert.Equal("calendar for 2029/30 not yet loaded", error.Message);
    }
}
