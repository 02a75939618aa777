using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Rolls;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;
using ExclusionKind = InclusionServices.Reporting.ReadModel.ExclusionKind;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// Whether some groups of pupils are excluded more often than others: for each characteristic, each group's
/// suspensions and permanent exclusions, its rate per 100 pupils of that group on roll, and the rate ratio against a
/// named comparison group (the DfE's usual one: pupils with no SEN, not eligible for free school meals, girls, White
/// British). Rates need the group's headcount in the rolls; without it counts are still shown.
/// </summary>
public static class DisproportionalityReport
{
    /// <summary>Each characteristic and the group the others are compared with.</summary>
    public static readonly IReadOnlyList<(string Characteristic, string ComparisonGroup)> Comparisons =
    [
        (ExclusionDimensions.SenStatus, "NO_SEN"),
        (ExclusionDimensions.FreeSchoolMeals, "NOT_ELIGIBLE"),
        (ExclusionDimensions.Sex, "F"),
        (ExclusionDimensions.Ethnicity, "WBRI"),
    ];

    public static async Task<Inclusion.Reporting.V1.DisproportionalityReport> BuildAsync(ReportingDatabase database, ReportScope scope,
        CancellationToken cancellationToken)
    {
        var characteristics = Comparisons.Select(c => c.Characteristic).ToList();
        var counts = database.ExclusionCounts.AsNoTracking()
            .Where(c => c.SchoolYearStart == scope.Year && c.SchoolUrn == (scope.SchoolUrn ?? ExclusionCount.AllSchools)
                && characteristics.Contains(c.Dimension));
        if (scope.Phase is { } phase)
        {
            counts = counts.Where(c => c.PhaseGroup == phase);
        }
        if (scope.Term is { } term)
        {
            counts = counts.Where(c => c.Term == term);
        }
        var counted = await counts
            .GroupBy(c => new { c.Dimension, c.GroupValue, Permanent = c.Kind == ExclusionKind.PermanentExclusion })
            .Select(g => new { g.Key.Dimension, g.Key.GroupValue, g.Key.Permanent, Count = g.Sum(c => c.Exclusions) })
            .ToListAsync(cancellationToken);
        var rolls = await RollBook.LoadAsync(database, scope.Year, byCharacteristic: true, cancellationToken);

        var report = new Inclusion.Reporting.V1.DisproportionalityReport { Scope = scope.ToMessage() };
        foreach (var (characteristic, comparisonGroup) in Comparisons)
        {
            var ofCharacteristic = counted.Where(c => c.Dimension == characteristic).ToList();
            var groups = ofCharacteristic.Select(c => c.GroupValue).Concat(rolls.GroupsOf(characteristic)).Append(comparisonGroup)
                .Distinct().Order(StringComparer.Ordinal).ToList();
            var comparison = new CharacteristicComparison { Characteristic = characteristic, ComparisonGroup = comparisonGroup };
            foreach (var group in groups)
            {
                var headcount = rolls.Headcount(scope.SchoolUrn, scope.Phase, characteristic, group);
                comparison.Groups.Add(new CharacteristicGroup
                {
                    Group = group,
                    Headcount = headcount is { } pupils ? Figures.Shown(pupils) : Figures.NotAvailable(),
                    Suspensions = Figures.Count(ofCharacteristic.Where(c => c.GroupValue == group && !c.Permanent).Sum(c => c.Count), scope.ForPublication),
                    PermanentExclusions = Figures.Count(ofCharacteristic.Where(c => c.GroupValue == group && c.Permanent).Sum(c => c.Count), scope.ForPublication),
                });
            }
            Figures.ProtectSet([.. comparison.Groups.Select(g => g.Suspensions)]);
            Figures.ProtectSet([.. comparison.Groups.Select(g => g.PermanentExclusions)]);
            double? Pupils(CharacteristicGroup group) => group.Headcount.Status == FigureStatus.Shown ? group.Headcount.Value : null;
            var baseline = comparison.Groups.Single(g => g.Group == comparisonGroup);
            foreach (var group in comparison.Groups)
            {
                group.SuspensionRatePer100 = Figures.Rate(group.Suspensions, Pupils(group));
                group.PermanentExclusionRatePer100 = Figures.Rate(group.PermanentExclusions, Pupils(group));
                group.SuspensionRateRatio = Figures.RateRatio(group.Suspensions, Pupils(group), baseline.Suspensions, Pupils(baseline));
                group.PermanentExclusionRateRatio = Figures.RateRatio(group.PermanentExclusions, Pupils(group), baseline.PermanentExclusions, Pupils(baseline));
            }
            report.Characteristics.Add(comparison);
        }
        report.Freshness = await FreshnessReader.ReadAsync(database, cancellationToken);
        return report;
    }
}
