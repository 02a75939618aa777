using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Part-time timetables for the compliance report: whether each has ended, when it was last reviewed, and every review
/// date Placements reported as passed without a review. A review date is outstanding while no review on or after it
/// has been recorded, so a late review clears the dates before it whichever event came first.
/// </summary>
public static class TimetableProjection
{
    public static Task ApplyAsync(ReportingDatabase database, PartTimeTimetableChanged changed, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(changed.PartTimeTimetable)!.Value;
        var pupil = ReportingCalendar.IdOf(changed.Pupil.Pupil);
        var phase = ReportingCalendar.PhaseGroupOf(changed.Pupil.Phase).ToString();
        var on = ReportingCalendar.UkDate(changed.Metadata.OccurredAt.ToDateTimeOffset());
        var reviewed = changed.Step == PartTimeTimetableStep.Reviewed ? on : (DateOnly?)null;
        var ended = changed.Step == PartTimeTimetableStep.Ended;
        return database.Database.ExecuteSqlAsync($"""
            INSERT INTO part_time_timetable_facts (timetable_id, pupil_id, school_urn, phase_group, ended, last_reviewed_on)
            VALUES ({id}, {pupil}, {changed.Pupil.SchoolUrn}, {phase}, {ended}, {reviewed})
            ON CONFLICT (timetable_id) DO UPDATE SET ended = part_time_timetable_facts.ended OR excluded.ended,
                last_reviewed_on = GREATEST(part_time_timetable_facts.last_reviewed_on, excluded.last_reviewed_on)
            """, cancellationToken);
    }

    public static async Task ApplyAsync(ReportingDatabase database, PartTimeTimetableReviewOverdue overdue, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(overdue.PartTimeTimetable)!.Value;
        var due = ReportingCalendar.Date(overdue.ReviewDue) ?? throw new InvalidOperationException($"{overdue.PartTimeTimetable}: no review date.");
        var phase = ReportingCalendar.PhaseGroupOf(overdue.Pupil.Phase).ToString();
        await database.Database.ExecuteSqlAsync($"""
            INSERT INTO part_time_timetable_facts (timetable_id, pupil_id, school_urn, phase_group, ended)
            VALUES ({id}, {ReportingCalendar.IdOf(overdue.Pupil.Pupil)}, {overdue.Pupil.SchoolUrn}, {phase}, false)
            ON CONFLICT (timetable_id) DO NOTHING
            """, cancellationToken);
        await database.Database.ExecuteSqlAsync($"""
            INSERT INTO overdue_timetable_reviews (timetable_id, review_due) VALUES ({id}, {due}) ON CONFLICT DO NOTHING
            """, cancellationToken);
    }
}
