using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Exclusion Prevention Meetings for the prevention summary. A meeting counts once it is held; it counts as followed
/// by a permanent exclusion once Meetings says so. The two events may come in either order: each sets its own flag on
/// the meeting's row and, in the same statement, adds to the year's counts only what its flag newly makes true, so
/// the counts always equal what the rows say.
/// </summary>
public static class PreventionProjection
{
    public static async Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, MeetingChanged changed,
        CancellationToken cancellationToken)
    {
        if (changed.Kind != MeetingKindOfEvent.ExclusionPreventionMeeting || changed.Step != MeetingStep.Held)
        {
            return;
        }
        var (id, place) = Where(calendar, changed.Meeting, changed.MeetingDate, changed.Pupil);
        await database.Database.ExecuteSqlAsync($"""
            WITH changed AS (
                INSERT INTO prevention_meetings (meeting_id, held, followed, school_year_start, term, school_urn, phase_group)
                VALUES ({id}, true, false, {place.Year}, {place.Term}, {place.Urn}, {place.Phase})
                ON CONFLICT (meeting_id) DO UPDATE SET held = true, school_year_start = excluded.school_year_start,
                    term = excluded.term, school_urn = excluded.school_urn, phase_group = excluded.phase_group
                WHERE NOT prevention_meetings.held
                RETURNING followed, school_year_start, school_urn, phase_group, term)
            INSERT INTO prevention_counts (school_year_start, school_urn, phase_group, term, meetings, followed)
            SELECT school_year_start, school_urn, phase_group, term, 1, CASE WHEN followed THEN 1 ELSE 0 END FROM changed
            ON CONFLICT (school_year_start, school_urn, phase_group, term) DO UPDATE SET
                meetings = prevention_counts.meetings + excluded.meetings, followed = prevention_counts.followed + excluded.followed
            """, cancellationToken);
    }

    public static async Task ApplyAsync(ReportingDatabase database, ReportingCalendar calendar, MeetingFollowedByPermanentExclusion followed,
        CancellationToken cancellationToken)
    {
        // The meeting's own details come with its held event; these stand in until then and count for nothing.
        var (id, place) = Where(calendar, followed.Meeting, followed.MeetingDate, followed.Pupil);
        await database.Database.ExecuteSqlAsync($"""
            WITH changed AS (
                INSERT INTO prevention_meetings (meeting_id, held, followed, school_year_start, term, school_urn, phase_group)
                VALUES ({id}, false, true, {place.Year}, {place.Term}, {place.Urn}, {place.Phase})
                ON CONFLICT (meeting_id) DO UPDATE SET followed = true
                WHERE NOT prevention_meetings.followed
                RETURNING held, school_year_start, school_urn, phase_group, term)
            INSERT INTO prevention_counts (school_year_start, school_urn, phase_group, term, meetings, followed)
            SELECT school_year_start, school_urn, phase_group, term, 0, 1 FROM changed WHERE held
            ON CONFLICT (school_year_start, school_urn, phase_group, term) DO UPDATE SET
                followed = prevention_counts.followed + excluded.followed
            """, cancellationToken);
    }

    private static (Guid Id, Place Place) Where(ReportingCalendar calendar, string meeting, string meetingDate, PupilReportAttributes pupil)
    {
        var date = ReportingCalendar.Date(meetingDate)
            ?? throw new InvalidOperationException($"{meeting} came without its meeting date.");
        return (ReportingCalendar.IdOf(meeting)!.Value, Place.Of(calendar, date, pupil));
    }
}

/// <summary>Where a record is counted: school year, term, school and phase group, as the read models store them.</summary>
public readonly record struct Place(int Year, string Term, string Urn, string Phase)
{
    public static Place Of(ReportingCalendar calendar, DateOnly date, PupilReportAttributes pupil) => new(
        ReportingCalendar.SchoolYearOf(date),
        calendar.TermOf(date).ToString(),
        pupil.SchoolUrn,
        ReportingCalendar.PhaseGroupOf(pupil.Phase).ToString());
}
