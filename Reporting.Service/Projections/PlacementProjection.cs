using Inclusion.Events.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>Providers' places and each placement's kind, start, end and outcome, for the placements report.</summary>
public static class PlacementProjection
{
    public static Task ApplyAsync(ReportingDatabase database, ProviderAdded added, CancellationToken cancellationToken) =>
        ProviderAsync(database, added.Provider, added.DisplayName, added.RegisteredSchool, added.Capacity, 0, added.Metadata.Sequence,
            cancellationToken);

    public static Task ApplyAsync(ReportingDatabase database, ProviderPlacesChanged places, CancellationToken cancellationToken) =>
        ProviderAsync(database, places.Provider, places.DisplayName, null, places.Capacity, places.Occupied, places.Metadata.Sequence,
            cancellationToken);

    /// <summary>The newest event wins (by Placements' sequence number); registration comes only with ProviderAdded.</summary>
    private static Task ProviderAsync(ReportingDatabase database, string provider, string displayName, bool? registeredSchool,
        int capacity, int occupied, long sequence, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(provider)!.Value;
        return database.Database.ExecuteSqlAsync($"""
            INSERT INTO provider_places (provider_id, display_name, registered_school, capacity, occupied, source_sequence)
            VALUES ({id}, {displayName}, {registeredSchool ?? false}, {capacity}, {occupied}, {sequence})
            ON CONFLICT (provider_id) DO UPDATE SET
                registered_school = CASE WHEN {registeredSchool.HasValue} THEN excluded.registered_school ELSE provider_places.registered_school END,
                display_name = CASE WHEN provider_places.source_sequence < excluded.source_sequence THEN excluded.display_name ELSE provider_places.display_name END,
                capacity = CASE WHEN provider_places.source_sequence < excluded.source_sequence THEN excluded.capacity ELSE provider_places.capacity END,
                occupied = CASE WHEN provider_places.source_sequence < excluded.source_sequence THEN excluded.occupied ELSE provider_places.occupied END,
                source_sequence = GREATEST(provider_places.source_sequence, excluded.source_sequence)
            """, cancellationToken);
    }

    public static Task ApplyAsync(ReportingDatabase database, PlacementChanged changed, CancellationToken cancellationToken)
    {
        var id = ReportingCalendar.IdOf(changed.Placement)!.Value;
        var urn = changed.Pupil.SchoolUrn;
        var phase = ReportingCalendar.PhaseGroupOf(changed.Pupil.Phase).ToString();
        FormattableString sql = changed.Step switch
        {
            PlacementStep.Started => $"""
                INSERT INTO placement_facts (placement_id, kind, school_urn, phase_group, started_on)
                VALUES ({id}, {changed.Kind}, {urn}, {phase}, {ReportingCalendar.Date(changed.StartDate)})
                ON CONFLICT (placement_id) DO UPDATE SET kind = excluded.kind, started_on = excluded.started_on
                """,
            PlacementStep.Ended => $"""
                INSERT INTO placement_facts (placement_id, kind, school_urn, phase_group, ended_on, outcome)
                VALUES ({id}, {changed.Kind}, {urn}, {phase}, {ReportingCalendar.Date(changed.EndDate)}, {changed.Outcome})
                ON CONFLICT (placement_id) DO UPDATE SET ended_on = excluded.ended_on, outcome = excluded.outcome
                """,
            // Proposals, agreements, reviews and withdrawals change no figure of the report.
            _ => $"SELECT 1",
        };
        return database.Database.ExecuteSqlAsync(sql, cancellationToken);
    }
}
