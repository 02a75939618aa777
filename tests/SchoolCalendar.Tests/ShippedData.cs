namespace InclusionServices.SchoolCalendar.Tests;

/// <summary>The reference data the suite ships, with two schools' overrides used by the worked cases.</summary>
public static class ShippedData
{
    public static readonly ReferenceData Loaded = ReferenceData.Load();

    /// <summary>A school that keeps INSET days on 5 September and 31 October 2022.</summary>
    public const string SchoolWithInsetDays = "100001";
    /// <summary>An academy whose 2022/23 autumn term starts on Thursday 1 September.</summary>
    public const string AcademyWithOwnTerms = "100002";

    public static readonly LocalAuthorityCalendar Calendar = Loaded.Calendar
        .WithOverride(new SchoolCalendarOverride(SchoolWithInsetDays, 2022, null,
            new HashSet<DateOnly> { D("2022-09-05"), D("2022-10-31") }))
        .WithOverride(new SchoolCalendarOverride(AcademyWithOwnTerms, 2022,
        [
            new Term(TermName.Autumn, D("2022-09-01"), D("2022-12-16"), D("2022-10-24"), D("2022-10-28")),
            new Term(TermName.Spring, D("2023-01-04"), D("2023-03-31"), D("2023-02-13"), D("2023-02-17")),
            new Term(TermName.Summer, D("2023-04-17"), D("2023-07-21"), D("2023-05-29"), D("2023-06-02")),
        ], new HashSet<DateOnly>()));

    public static readonly StatutoryDeadlines Deadlines = new(Calendar, Loaded.Rules);

    public static DateOnly D(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
