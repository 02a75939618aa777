using Inclusion.Reporting.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// Alternative provision: every provider's places and how many are taken now, placements started in the year by
/// kind, placements ended in the year by outcome, and the share that ended with the pupil back in mainstream school.
/// </summary>
public static class PlacementsReport
{
    /// <summary>Outcomes that put the pupil back in mainstream school: their own, or a new one.</summary>
    public static readonly IReadOnlySet<string> Reintegrations = new HashSet<string>(StringComparer.Ordinal) { "REINTEGRATED_TO_MAINSTREAM", "NEW_SCHOOL" };

    public static async Task<Inclusion.Reporting.V1.PlacementsReport> BuildAsync(ReportingDatabase database, ReportingCalendar calendar,
        ReportScope scope, CancellationToken cancellationToken)
    {
        var report = new Inclusion.Reporting.V1.PlacementsReport { Scope = scope.ToMessage() };
        var providers = await database.ProviderPlaces.AsNoTracking().OrderBy(p => p.DisplayName).ThenBy(p => p.ProviderId).ToListAsync(cancellationToken);
        foreach (var provider in providers)
        {
            var occupied = Figures.Count(provider.Occupied, scope.ForPublication);
            report.Providers.Add(new ProviderOccupancy
            {
                Provider = "providers/" + provider.ProviderId,
                DisplayName = provider.DisplayName,
                RegisteredSchool = provider.RegisteredSchool,
                Capacity = provider.Capacity,
                Occupied = occupied.Status == FigureStatus.Shown ? provider.Occupied : 0,
                OccupancyPercent = Figures.Rate(occupied, provider.Capacity),
            });
        }

        var (first, last) = (scope.FirstDay, scope.LastDay);
        var placements = database.PlacementFacts.AsNoTracking().OfSchoolAndPhase(scope);
        var ofYear = await placements.Where(p => (p.StartedOn >= first && p.StartedOn <= last) || (p.EndedOn >= first && p.EndedOn <= last))
            .ToListAsync(cancellationToken);
        bool InScope(DateOnly? day) => scope.Covers(day, calendar);

        var started = Counted(ofYear.Where(p => InScope(p.StartedOn)).Select(p => p.Kind ?? "UNKNOWN"), scope);
        var endedPlacements = ofYear.Where(p => InScope(p.EndedOn)).ToList();
        var outcomes = Counted(endedPlacements.Select(p => p.Outcome is { Length: > 0 } outcome ? outcome : "UNKNOWN"), scope);
        report.StartedByKind.AddRange(started);
        report.EndedByOutcome.AddRange(outcomes);
        report.Ended = Figures.Count(endedPlacements.Count, scope.ForPublication);
        var reintegrated = Figures.Count(endedPlacements.Count(p => p.Outcome is { } o && Reintegrations.Contains(o)), scope.ForPublication);
        report.ReintegrationRate = outcomes.Any(o => o.Count.Status == FigureStatus.Suppressed) ? Figures.Suppressed() : Figures.Rate(reintegrated, report.Ended);
        report.Freshness = await FreshnessReader.ReadAsync(database, cancellationToken);
        return report;
    }

    private static List<NamedCount> Counted(IEnumerable<string> names, ReportScope scope)
    {
        var counts = names.GroupBy(n => n).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new NamedCount { Name = g.Key, Count = Figures.Count(g.Count(), scope.ForPublication) }).ToList();
        Figures.ProtectSet([.. counts.Select(c => c.Count)]);
        return counts;
    }
}
