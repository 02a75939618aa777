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
    IReadOnlySet<DateOnly> InsetDays)
{
    /// <summary>The "URN" of an override that changes the local authority's own calendar, for every school.</summary>
    public const string LocalAuthority = "";
}

/// <summary>The rules a school year's terms keep, wherever they come from (a file or a manager's change).</summary>
public static class TermRules
{
    /// <summary>What is wrong with a school year's terms, as (term index, description); empty when nothing is.</summary>
    public static IReadOnlyList<(int Index, string Problem)> Check(IReadOnlyList<Term> terms, int startYear)
    {
        var problems = new List<(int, string)>();
        if (terms.Count != 3)
        {
            problems.Add((-1, $"a school year has autumn, spring and summer terms; {terms.Count} were given"));
            return problems;
        }
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            if (term.Name != (TermName)(i + 1))
            {
                problems.Add((i, $"terms must be autumn, spring, summer in that order; expected {((TermName)(i + 1)).ToString().ToLowerInvariant()} here"));
            }
            if (new[] { term.Start, term.End, term.HalfTermStart, term.HalfTermEnd }.Any(d => SchoolYears.Of(d) != startYear))
            {
                problems.Add((i, $"every date must be in the school year {SchoolYears.Label(startYear)} (1 August to 31 July)"));
            }
            if (term.End < term.Start)
            {
                problems.Add((i, "the term ends before it starts"));
            }
            if (term.HalfTermEnd < term.HalfTermStart || term.HalfTermStart <= term.Start || term.HalfTermEnd >= term.End)
            {
                problems.Add((i, "the half term must lie inside the term, after its first day and before its last"));
            }
            if (i > 0 && term.Start <= terms[i - 1].End)
            {
                problems.Add((i, "the term starts before the previous term has ended"));
            }
        }
        return problems;
    }
}

/// <summary>No calendar is held for the school year a date falls in, so no school day can be counted there.</summary>
public sealed class CalendarNotKnownException(int schoolYearStart)
    : Exception($"calendar for {SchoolYears.Label(schoolYearStart)} not yet loaded")
{
    public int SchoolYearStart { get; } = schoolYearStart;
}
