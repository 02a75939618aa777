using System.Globalization;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Rolls;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;
using ExclusionKind = InclusionServices.Reporting.ReadModel.ExclusionKind;
using ReportPhase = InclusionServices.Reporting.ReadModel.ReportPhase;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// Suspensions, lunchtime suspensions and permanent exclusions: totals, then by reason, phase group, year group, term
/// and school, with rates per 100 pupils on roll where the rolls are recorded. Reads the pre-counted rows of the scope
/// (all schools' rows, or one school's), never the exclusions themselves.
/// </summary>
public static class ExclusionsReport
{
    private static readonly ExclusionKind[] Kinds = [ExclusionKind.Suspension, ExclusionKind.LunchtimeSuspension, ExclusionKind.PermanentExclusion];

    public static async Task<Inclusion.Reporting.V1.ExclusionsReport> BuildAsync(ReportingDatabase database, ReportScope scope,
        CancellationToken cancellationToken)
    {
        // The scope's rows (all schools', or one school's) in one read: a few hundred to a few thousand a year.
        var rows = await CountsIn(database, scope).Where(c => c.SchoolUrn == (scope.SchoolUrn ?? ExclusionCount.AllSchools))
            .GroupBy(c => new { c.Dimension, c.GroupValue, c.Kind, c.PhaseGroup, c.Term })
            .Select(g => new { g.Key.Dimension, g.Key.GroupValue, g.Key.Kind, g.Key.PhaseGroup, g.Key.Term, Count = g.Sum(c => c.Exclusions) })
            .ToListAsync(cancellationToken);
        var byGroup = rows.GroupBy(r => (r.Dimension, r.GroupValue, r.Kind))
            .Select(g => new Counted(g.Key.Dimension, g.Key.GroupValue, g.Key.Kind, g.Sum(r => r.Count))).ToList();
        var byPhaseAndTerm = rows.Where(r => r.Dimension == ExclusionDimensions.Total).ToList();
        // Every school's own totals, for the breakdown by school.
        var bySchool = await CountsIn(database, scope)
            .Where(c => c.Dimension == ExclusionDimensions.Total && c.SchoolUrn != ExclusionCount.AllSchools
                && (scope.SchoolUrn == null || c.SchoolUrn == scope.SchoolUrn))
            .GroupBy(c => new { c.SchoolUrn, c.Kind })
            .Select(g => new Counted(ExclusionDimensions.School, g.Key.SchoolUrn, g.Key.Kind, g.Sum(c => c.Exclusions)))
            .ToListAsync(cancellationToken);
        var rolls = await RollBook.LoadAsync(database, scope.Year, byCharacteristic: false, cancellationToken);

        var headcount = rolls.Headcount(scope.SchoolUrn, scope.Phase);
        var report = new Inclusion.Reporting.V1.ExclusionsReport
        {
            Scope = scope.ToMessage(),
            Headcount = headcount is { } pupils ? Figures.Shown(pupils) : Figures.NotAvailable(),
        };
        var totals = byGroup.Where(c => c.Dimension == ExclusionDimensions.Total).ToList();
        report.Totals.AddRange(Kinds.Select(kind => Row(kind, totals.Where(c => c.Kind == kind).Sum(c => c.Count), headcount, scope)));

        report.Breakdowns.Add(Breakdown(ExclusionDimensions.Reason, byGroup.Where(c => c.Dimension == ExclusionDimensions.Reason), scope,
            _ => Figures.NotApplicable()));
        report.Breakdowns.Add(Breakdown(ExclusionDimensions.PhaseGroup,
            byPhaseAndTerm.Select(c => new Counted(ExclusionDimensions.PhaseGroup, PhaseName(c.PhaseGroup), c.Kind, c.Count)), scope,
            group => Known(rolls.Headcount(scope.SchoolUrn, PhaseOf(group)))));
        report.Breakdowns.Add(Breakdown(ExclusionDimensions.YearGroup, byGroup.Where(c => c.Dimension == ExclusionDimensions.YearGroup), scope,
            _ => Figures.NotAvailable()));
        // A term's rate is against the year's roll, as the roll is counted once a year.
        report.Breakdowns.Add(Breakdown(ExclusionDimensions.Term,
            byPhaseAndTerm.Select(c => new Counted(ExclusionDimensions.Term, c.Term.ToString().ToLowerInvariant(), c.Kind, c.Count)), scope,
            _ => Known(headcount)));
        report.Breakdowns.Add(Breakdown(ExclusionDimensions.School, bySchool, scope, urn => Known(rolls.Headcount(urn, null))));
        report.InternalExclusions.AddRange(await InternalExclusionsAsync(database, scope, cancellationToken));
        report.Freshness = await FreshnessReader.ReadAsync(database, cancellationToken);
        return report;
    }

    private static readonly string[] InternalKinds = ["RemovalFromClassroom", "Isolation", "OffSiteDirection", "SentHome"];

    /// <summary>Internal exclusions of the scope by kind, from their own counts (never part of the totals).</summary>
    private static async Task<IEnumerable<InternalExclusionFigures>> InternalExclusionsAsync(ReportingDatabase database, ReportScope scope,
        CancellationToken cancellationToken)
    {
        var counts = database.InternalExclusionCounts.AsNoTracking()
            .Where(c => c.SchoolYearStart == scope.Year && c.SchoolUrn == (scope.SchoolUrn ?? ExclusionCount.AllSchools));
        if (scope.Phase is { } phase)
        {
            counts = counts.Where(c => c.PhaseGroup == phase);
        }
        if (scope.Term is { } term)
        {
            counts = counts.Where(c => c.Term == term);
        }
        var byKind = await counts.GroupBy(c => c.Kind).Select(g => new { Kind = g.Key, Records = g.Sum(c => c.Records), Sessions = g.Sum(c => c.Sessions) })
            .ToListAsync(cancellationToken);
        return InternalKinds.Select(kind =>
        {
            var found = byKind.SingleOrDefault(k => k.Kind == kind);
            var count = Figures.Count(found?.Records ?? 0, scope.ForPublication);
            return new InternalExclusionFigures
            {
                Kind = SnakeCase(kind),
                Count = count,
                // A withheld count withholds its sessions too, which would give it away.
                Sessions = count.Status == FigureStatus.Suppressed ? Figures.Suppressed() : Figures.Shown(found?.Sessions ?? 0),
            };
        });
    }

    private static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The year's counted rows, narrowed to the scope's phase group and term.</summary>
    private static IQueryable<ExclusionCount> CountsIn(ReportingDatabase database, ReportScope scope)
    {
        var counts = database.ExclusionCounts.AsNoTracking().Where(c => c.SchoolYearStart == scope.Year);
        if (scope.Phase is { } phase)
        {
            counts = counts.Where(c => c.PhaseGroup == phase);
        }
        if (scope.Term is { } term)
        {
            counts = counts.Where(c => c.Term == term);
        }
        return counts;
    }

    private sealed record Counted(string Dimension, string Group, ExclusionKind Kind, int Count);

    private static ExclusionBreakdown Breakdown(string dimension, IEnumerable<Counted> counted, ReportScope scope, Func<string, Figure> headcountOf)
    {
        var byGroup = counted.GroupBy(c => c.Group).OrderBy(g => g.Key, GroupOrder.Instance).ToList();
        var breakdown = new ExclusionBreakdown { Dimension = dimension };
        foreach (var group in byGroup)
        {
            var headcount = headcountOf(group.Key);
            var row = new ExclusionGroup { Group = group.Key, Headcount = headcount };
            row.Figures.AddRange(Kinds.Select(kind => new ExclusionFigures
            {
                Kind = (Inclusion.Reporting.V1.ExclusionKind)kind,
                Count = Figures.Count(group.Where(c => c.Kind == kind).Sum(c => c.Count), scope.ForPublication),
            }));
            breakdown.Groups.Add(row);
        }
        // Each kind's counts across the groups add up to its total: protect them as a set, then work out the rates.
        foreach (var kind in Kinds)
        {
            Figures.ProtectSet([.. breakdown.Groups.Select(g => g.Figures.Single(f => f.Kind == (Inclusion.Reporting.V1.ExclusionKind)kind).Count)]);
        }
        foreach (var row in breakdown.Groups)
        {
            foreach (var figures in row.Figures)
            {
                figures.RatePer100 = row.Headcount.Status switch
                {
                    FigureStatus.Shown => Figures.Rate(figures.Count, row.Headcount.Value),
                    var status => figures.Count.Status == FigureStatus.Suppressed ? Figures.Suppressed() : new Figure { Status = status },
                };
            }
        }
        return breakdown;
    }

    private static ExclusionFigures Row(ExclusionKind kind, long count, double? headcount, ReportScope scope)
    {
        var figure = Figures.Count(count, scope.ForPublication);
        return new ExclusionFigures { Kind = (Inclusion.Reporting.V1.ExclusionKind)kind, Count = figure, RatePer100 = Figures.Rate(figure, headcount) };
    }

    private static Figure Known(double? headcount) => headcount is { } pupils ? Figures.Shown(pupils) : Figures.NotAvailable();

    public static string PhaseName(ReportPhase phase) => phase == ReportPhase.Primary ? "primary" : "secondary_and_special";

    private static ReportPhase PhaseOf(string name) => name == "primary" ? ReportPhase.Primary : ReportPhase.SecondaryAndSpecial;

    /// <summary>Groups in a natural order: numbers as numbers (year 2 before year 10), terms in school order, others by name.</summary>
    private sealed class GroupOrder : IComparer<string>
    {
        public static readonly GroupOrder Instance = new();
        private static readonly string[] Terms = ["autumn", "spring", "summer"];

        public int Compare(string? x, string? y)
        {
            if (int.TryParse(x, NumberStyles.Integer, CultureInfo.InvariantCulture, out var a) && int.TryParse(y, NumberStyles.Integer, CultureInfo.InvariantCulture, out var b)
                && x!.Length < 6 && y!.Length < 6)
            {
                return a.CompareTo(b);
            }
            var (termX, termY) = (Array.IndexOf(Terms, x), Array.IndexOf(Terms, y));
            return termX >= 0 && termY >= 0 ? termX.CompareTo(termY) : string.CompareOrdinal(x, y);
        }
    }
}
