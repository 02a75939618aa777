using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;
using Phase = InclusionServices.Reporting.ReadModel.ReportPhase;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// The team's headline: Exclusion Prevention Meetings held in the year and how many were followed by a permanent
/// exclusion, per phase group and in all, with the prevention rate. Reads the pre-counted rows (a few hundred a year).
/// </summary>
public static class PreventionReport
{
    public static async Task<PreventionSummary> BuildAsync(ReportingDatabase database, ReportScope scope, CancellationToken cancellationToken)
    {
        var counts = database.PreventionCounts.AsNoTracking().Where(c => c.SchoolYearStart == scope.Year);
        if (scope.SchoolUrn is { } urn)
        {
            counts = counts.Where(c => c.SchoolUrn == urn);
        }
        if (scope.Phase is { } phase)
        {
            counts = counts.Where(c => c.PhaseGroup == phase);
        }
        if (scope.Term is { } term)
        {
            counts = counts.Where(c => c.Term == term);
        }
        var byPhase = await counts.GroupBy(c => c.PhaseGroup)
            .Select(g => new { Phase = g.Key, Meetings = g.Sum(c => c.Meetings), Followed = g.Sum(c => c.Followed) })
            .ToDictionaryAsync(g => g.Phase, cancellationToken);

        var phases = (scope.Phase is { } only ? [only] : new[] { Phase.Primary, Phase.SecondaryAndSpecial })
            .Select(p => (Phase: p, Meetings: byPhase.GetValueOrDefault(p)?.Meetings ?? 0, Followed: byPhase.GetValueOrDefault(p)?.Followed ?? 0))
            .ToList();
        var rows = phases.Select(p => Figures(p.Phase, p.Meetings, p.Followed, scope.ForPublication)).ToList();
        var total = Figures(null, phases.Sum(p => p.Meetings), phases.Sum(p => p.Followed), scope.ForPublication);
        Reports.Figures.ProtectSet([.. rows.Select(r => r.Meetings)]);
        Reports.Figures.ProtectSet([.. rows.Select(r => r.FollowedByPermanentExclusion)]);
        foreach (var row in rows.Append(total))
        {
            row.PreventionRate = PreventionRate(row);
        }

        var summary = new PreventionSummary
        {
            Scope = scope.ToMessage(),
            Total = total,
            Freshness = await FreshnessReader.ReadAsync(database, cancellationToken),
        };
        summary.Phases.AddRange(rows);
        return summary;
    }

    private static PreventionFigures Figures(Phase? phase, int meetings, int followed, bool forPublication) => new()
    {
        PhaseGroup = phase is { } p ? (ReportPhase)p : ReportPhase.Unspecified,
        Meetings = Reports.Figures.Count(meetings, forPublication),
        FollowedByPermanentExclusion = Reports.Figures.Count(followed, forPublication),
    };

    /// <summary>Meetings not followed by a permanent exclusion, as a percentage of meetings.</summary>
    private static Figure PreventionRate(PreventionFigures row)
    {
        if (row.FollowedByPermanentExclusion.Status != FigureStatus.Shown || row.Meetings.Status != FigureStatus.Shown)
        {
            return Reports.Figures.Rate(row.FollowedByPermanentExclusion, row.Meetings);
        }
        return Reports.Figures.Rate(Reports.Figures.Shown(row.Meetings.Value - row.FollowedByPermanentExclusion.Value), row.Meetings.Value);
    }
}
