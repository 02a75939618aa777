using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>Reporting's list of schools and their phase group, from Referrals' SchoolRegistered and SchoolUpdated.</summary>
public static class SchoolProjection
{
    /// <summary>
    /// Registration and updates may be applied in any order: the event with the higher Referrals sequence number
    /// wins, decided by one conditional statement so two appliers can never both read the row and the older write last.
    /// </summary>
    public static async Task ApplyAsync(ReportingDatabase database, string urn, SchoolPhase phase, long sequence,
        CancellationToken cancellationToken)
    {
        var phaseGroup = ReportingCalendar.PhaseGroupOf(phase).ToString();
        await database.Database.ExecuteSqlAsync($"""
            INSERT INTO schools (urn, phase, source_sequence) VALUES ({urn}, {phaseGroup}, {sequence})
            ON CONFLICT (urn) DO UPDATE SET phase = excluded.phase, source_sequence = excluded.source_sequence
            WHERE schools.source_sequence < excluded.source_sequence
            """, cancellationToken);
    }
}
