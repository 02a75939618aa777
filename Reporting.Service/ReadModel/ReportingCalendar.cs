using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.SchoolCalendar;

namespace InclusionServices.Reporting.ReadModel;

/// <summary>Where a date falls for reports: its school year and term, and what phase group a school is in.</summary>
public sealed class ReportingCalendar(LocalAuthorityCalendar calendar, StatutoryRules rules)
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>
    /// The term by the local authority's calendar: a date before the spring term starts is autumn's, before the summer
    /// term starts spring's, so holidays go with the term before. A year with no calendar loaded falls back to months
    /// (August to December, January to March, April to July).
    /// </summary>
    public ReportTerm TermOf(DateOnly date)
    {
        var year = calendar.Years.FirstOrDefault(y => y.StartYear == SchoolYears.Of(date));
        var spring = year?.Terms.FirstOrDefault(t => t.Name == TermName.Spring);
        var summer = year?.Terms.FirstOrDefault(t => t.Name == TermName.Summer);
        if (spring is null || summer is null)
        {
            return date.Month >= 8 ? ReportTerm.Autumn : date.Month <= 3 ? ReportTerm.Spring : ReportTerm.Summer;
        }
        return date < spring.Start ? ReportTerm.Autumn : date < summer.Start ? ReportTerm.Spring : ReportTerm.Summer;
    }

    /// <summary>The most school days a pupil may be suspended in the school year that starts in <paramref name="schoolYearStart"/>.</summary>
    public int SuspensionCapDays(int schoolYearStart) => rules.InForceOn(SchoolYears.FirstDate(schoolYearStart))["suspension-cap-days"];

    public static int SchoolYearOf(DateOnly date) => SchoolYears.Of(date);

    /// <summary>The day in England on which something happened.</summary>
    public static DateOnly UkDate(DateTimeOffset time) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, London).DateTime);

    public static DateOnly Today(TimeProvider time) => UkDate(time.GetUtcNow());

    /// <summary>A YYYY-MM-DD date from an event; null when the event left it empty.</summary>
    public static DateOnly? Date(string text) =>
        string.IsNullOrEmpty(text) ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static ReportPhase PhaseGroupOf(SchoolPhase phase) => phase switch
    {
        SchoolPhase.Primary => ReportPhase.Primary,
        SchoolPhase.Secondary or SchoolPhase.Special or SchoolPhase.AlternativeProvision => ReportPhase.SecondaryAndSpecial,
        _ => throw new InvalidOperationException($"An event gave a school phase Reporting cannot place: {phase}."),
    };

    /// <summary>The id in a resource name such as "pupils/{id}"; null when the event left it empty.</summary>
    public static Guid? IdOf(string resourceName) =>
        string.IsNullOrEmpty(resourceName) ? null : Guid.Parse(resourceName.AsSpan(resourceName.LastIndexOf('/') + 1));
}
