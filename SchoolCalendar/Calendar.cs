namespace InclusionServices.SchoolCalendar;

public enum TermName
{
    Autumn = 1,
    Spring = 2,
    Summer = 3,
}

/// <summary>A term with its half-term holiday; school days fall between Start and End outside the half term.</summary>
public sealed record Term(TermName Name, DateOnly Start, DateOnly End, DateOnly HalfTermStart, DateOnly HalfTermEnd)
{
    public bool Contains(DateOnly date) => date >= Start && date <= End;
    public bool InHalfTerm(DateOnly date) => date >= HalfTermStart && date <= HalfTermEnd;
}

/// <summary>A school year, which starts with the first school day after 31 July: 2019 stands for 2019/20.</summary>
public static class SchoolYears
{
    public static int Of(DateOnly date) => date.Month >= 8 ? date.Year : date.Year - 1;

    public static string Label(int startYear) => $"{startYear}/{(startYear + 1) % 100:00}";

    public static DateOnly FirstDate(int startYear) => new(startYear, 8, 1);
    public static DateOnly LastDate(int startYear) => new(startYear + 1, 7, 31);
}

/// <summary>One school year of the local authority's calendar, as read from its file.</summary>
public sealed class SchoolYearCalendar(
    int startYear,
    IReadOnlyList<Term> terms,
    IReadOnlyDictionary<DateOnly, string> bankHolidays,
    IReadOnlySet<DateOnly> insetDays,
    string status)
{
    public int StartYear { get; } = startYear;
    public IReadOnlyList<Term> Terms { get; } = terms;
    public IReadOnlyDictionary<DateOnly, string> BankHolidays { get; } = bankHolidays;
    public IReadOnlySet<DateOnly> InsetDays { get; } = insetDays;
    /// <summary>Whether the dates are confirmed or provisional, in the words of the file.</summary>
    public string Status { get; } = status;
}

/// <summary>
/// A school's own differences from the local authority's calendar for one school year: academies and special
/// schools may keep other term dates, and every school sets its own INSET days.
/// </summary>
public sealed record SchoolCalendarOverride(string SchoolUrn, int SchoolYearStart, IReadOnlyList<Term>? Terms,
    IReadOnlySet<DateOnly> InsetDays);

/// <summary>No calendar is held for the school year a date falls in, so no school day can be counted there.</summary>
public sealed class CalendarNotKnownException(int schoolYearStart)
    : Exception($"No school calendar is held for {SchoolYears.Label(schoolYearStart)}.")
{
    public int SchoolYearStart { get; } = schoolYearStart;
}
