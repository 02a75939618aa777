using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Referrals for the service performance report. Each status sets its own columns of the referral's row (the day
/// it was received or decided, its officer, the time to first contact, closure), so the order events arrive in does
/// not matter; a reallocation replaces the officer only when it is the later allocation.
/// </summary>
public static class ReferralProjection
{
    public static async Task ApplyAsync(ReportingDatabase database, ReferralStatusChanged changed, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(changed.Referral)!.Value;
        var on = ReportingCalendar.UkDate(changed.Metadata.OccurredAt.ToDateTimeOffset());
        var urn = changed.Pupil.SchoolUrn;
        var phase = ReportingCalendar.PhaseGroupOf(changed.Pupil.Phase).ToString();
        var sequence = changed.Metadata.Sequence;
        // Every status names the school; the columns a status sets come after.
        FormattableString sql = changed.Status switch
        {
            ReferralStatus.Submitted => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, submitted_on) VALUES ({id}, {urn}, {phase}, {on})
                ON CONFLICT (referral_id) DO UPDATE SET school_urn = excluded.school_urn, phase_group = excluded.phase_group,
                    submitted_on = excluded.submitted_on
                """,
            ReferralStatus.Accepted => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, accepted_on) VALUES ({id}, {urn}, {phase}, {on})
                ON CONFLICT (referral_id) DO UPDATE SET accepted_on = excluded.accepted_on
                """,
            ReferralStatus.Declined => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, declined_on) VALUES ({id}, {urn}, {phase}, {on})
                ON CONFLICT (referral_id) DO UPDATE SET declined_on = excluded.declined_on
                """,
            ReferralStatus.Allocated => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, officer, officer_sequence)
                VALUES ({id}, {urn}, {phase}, {changed.AllocatedOfficer}, {sequence})
                ON CONFLICT (referral_id) DO UPDATE SET officer = excluded.officer, officer_sequence = excluded.officer_sequence
                WHERE referral_facts.officer_sequence < excluded.officer_sequence
                """,
            ReferralStatus.InContact => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, seconds_to_first_contact)
                VALUES ({id}, {urn}, {phase}, {changed.SecondsToFirstContact})
                ON CONFLICT (referral_id) DO UPDATE SET seconds_to_first_contact = excluded.seconds_to_first_contact
                """,
            ReferralStatus.Closed => $"""
                INSERT INTO referral_facts (referral_id, school_urn, phase_group, closed) VALUES ({id}, {urn}, {phase}, true)
                ON CONFLICT (referral_id) DO UPDATE SET closed = true
                """,
            _ => $"SELECT 1",
        };
        await database.Database.ExecuteSqlAsync(sql, cancellationToken);
    }
}
