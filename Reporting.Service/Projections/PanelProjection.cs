using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>Cases put to the ISAP panel, and its decisions, for the service performance report.</summary>
public static class PanelProjection
{
    public static Task ApplyAsync(ReportingDatabase database, PanelCaseListed listed, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(listed.PanelCase)!.Value;
        var sitting = ReportingCalendar.Date(listed.MeetingDate);
        var phase = ReportingCalendar.PhaseGroupOf(listed.Pupil.Phase).ToString();
        return database.Database.ExecuteSqlAsync($"""
            INSERT INTO panel_case_facts (panel_case_id, school_urn, phase_group, listed_for) VALUES ({id}, {listed.Pupil.SchoolUrn}, {phase}, {sitting})
            ON CONFLICT (panel_case_id) DO UPDATE SET school_urn = excluded.school_urn, phase_group = excluded.phase_group,
                listed_for = excluded.listed_for
            """, cancellationToken);
    }

    public static Task ApplyAsync(ReportingDatabase database, PanelDecisionMade decided, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(decided.PanelCase)!.Value;
        var on = ReportingCalendar.Date(decided.DecidedOn);
        var phase = ReportingCalendar.PhaseGroupOf(decided.Pupil.Phase).ToString();
        return database.Database.ExecuteSqlAsync($"""
            INSERT INTO panel_case_facts (panel_case_id, school_urn, phase_group, decision, decided_on)
            VALUES ({id}, {decided.Pupil.SchoolUrn}, {phase}, {decided.Decision}, {on})
            ON CONFLICT (panel_case_id) DO UPDATE SET decision = excluded.decision, decided_on = excluded.decided_on
            """, cancellationToken);
    }
}
