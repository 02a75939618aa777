using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// The sixth-day duty of each exclusion: owed (Referrals' recorded event names its day and holder), then arranged or
/// missed (Placements). Each event sets its own part of the row, in whatever order they arrive.
/// </summary>
public static class SixthDayProjection
{
    private const string SetOutcomeSql = """
        INSERT INTO sixth_day_duties (exclusion_id, @outcome, due, school_year_start, term, holder, school_urn, phase_group)
        VALUES ({0}, true, {1}, {2}, {6}, {3}, {4}, {5})
        ON CONFLICT (exclusion_id) DO UPDATE SET @outcome = true,
            due = COALESCE(sixth_day_duties.due, excluded.due),
            school_year_start = COALESCE(sixth_day_duties.school_year_start, excluded.school_year_start),
            term = COALESCE(sixth_day_duties.term, excluded.term),
            holder = COALESCE(sixth_day_duties.holder, excluded.holder),
            school_urn = COALESCE(sixth_day_duties.school_urn, excluded.school_urn),
            phase_group = COALESCE(sixth_day_duties.phase_group, excluded.phase_group)
        """;

    public static Task OweAsync(ReportingDatabase database, ReportingCalendar calendar, Guid exclusionId, DateOnly due, string holder,
        Place place, CancellationToken cancellationToken) =>
        database.Database.ExecuteSqlAsync($"""
            INSERT INTO sixth_day_duties (exclusion_id, owed, due, school_year_start, term, holder, school_urn, phase_group)
            VALUES ({exclusionId}, true, {due}, {ReportingCalendar.SchoolYearOf(due)}, {calendar.TermOf(due).ToString()}, {holder}, {place.Urn},
                    {place.Phase})
            ON CONFLICT (exclusion_id) DO UPDATE SET owed = true, due = excluded.due, school_year_start = excluded.school_year_start,
                term = excluded.term, holder = excluded.holder, school_urn = excluded.school_urn, phase_group = excluded.phase_group
            """, cancellationToken);

    public static Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, SixthDayProvisionArranged arranged,
        CancellationToken cancellationToken) =>
        SetOutcomeAsync(database, calendar, arranged.Exclusion, arranged.Due, arranged.Holder, arranged.Pupil, "arranged", cancellationToken);

    public static Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, SixthDayProvisionMissed missed,
        CancellationToken cancellationToken) =>
        SetOutcomeAsync(database, calendar, missed.Exclusion, missed.Due, missed.Holder, missed.Pupil, "missed", cancellationToken);

    private static async Task SetOutcomeAsync(ReportingDatabase database, ReportingCalendar calendar, string exclusion, string dueText,
        string holder, PupilReportAttributes pupil, string outcome, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(exclusion)!.Value;
        var due = ReportingCalendar.Date(dueText) ?? throw new InvalidOperationException($"The sixth-day event of {exclusion} has no due day.");
        var phase = ReportingCalendar.PhaseGroupOf(pupil.Phase).ToString();
        // The outcome column is one of this class's two constants, never input.
        await database.Database.ExecuteSqlRawAsync(SetOutcomeSql.Replace("@outcome", outcome, StringComparison.Ordinal),
            [id, due, ReportingCalendar.SchoolYearOf(due), holder, pupil.SchoolUrn, phase, calendar.TermOf(due).ToString()],
            cancellationToken);
    }
}
