using Inclusion.Reporting.V1;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// The numbers of a report, and small-number suppression for reports that leave the team. A count of 1 or 2 could
/// point to a child, so it is withheld; so is any figure that would give it away: the last other count of a set whose
/// total is shown (else total minus the rest reveals it), and every rate, share or ratio worked out from a withheld count.
/// </summary>
public static class Figures
{
    /// <summary>The largest count withheld from publication.</summary>
    public const int SmallestShownCount = 3;

    public static Figure Shown(double value) => new() { Value = value, Status = FigureStatus.Shown };

    public static Figure Suppressed() => new() { Status = FigureStatus.Suppressed };

    public static Figure NotAvailable() => new() { Status = FigureStatus.NotAvailable };

    public static Figure NotApplicable() => new() { Status = FigureStatus.NotApplicable };

    /// <summary>A count: withheld for publication when it is 1 or 2.</summary>
    public static Figure Count(long count, bool forPublication) =>
        forPublication && count is > 0 and < SmallestShownCount ? Suppressed() : Shown(count);

    /// <summary>
    /// Counts that add up to a total shown beside them (e.g. each phase's meetings and all meetings): when exactly one
    /// is withheld, the smallest other shown, non-zero count is withheld too, so the total cannot give it away.
    /// </summary>
    public static void ProtectSet(IReadOnlyCollection<Figure> parts)
    {
        if (parts.Count(p => p.Status == FigureStatus.Suppressed) != 1)
        {
            return;
        }
        var next = parts.Where(p => p.Status == FigureStatus.Shown && p.Value > 0).MinBy(p => p.Value);
        if (next is not null)
        {
            next.Status = FigureStatus.Suppressed;
            next.Value = 0;
        }
    }

    /// <summary>
    /// <paramref name="part"/> per <paramref name="per"/> of <paramref name="whole"/> (a rate per 100 pupils, a
    /// percentage), to two decimal places. Withheld when the part is; not available without a whole; not applicable
    /// when the whole is 0.
    /// </summary>
    public static Figure Rate(Figure part, double? whole, double per = 100)
    {
        if (part.Status != FigureStatus.Shown)
        {
            return new Figure { Status = part.Status };
        }
        return whole switch
        {
            null => NotAvailable(),
            0 => NotApplicable(),
            _ => Shown(Math.Round(part.Value / whole.Value * per, 2, MidpointRounding.AwayFromZero)),
        };
    }

    /// <summary>A rate made from two figures (e.g. meetings not followed by an exclusion, of all meetings).</summary>
    public static Figure Rate(Figure part, Figure whole, double per = 100) =>
        whole.Status == FigureStatus.Shown ? Rate(part, whole.Value, per) : new Figure { Status = Worse(part.Status, whole.Status) };

    /// <summary>
    /// How many times the comparison group's rate a group's rate is (count per head over count per head), to two
    /// decimal places: worked out from the counts, not the rounded rates. Withheld when either count is.
    /// </summary>
    public static Figure RateRatio(Figure count, double? headcount, Figure comparisonCount, double? comparisonHeadcount)
    {
        if (count.Status != FigureStatus.Shown || comparisonCount.Status != FigureStatus.Shown)
        {
            return new Figure { Status = Worse(count.Status, comparisonCount.Status) };
        }
        if (headcount is null || comparisonHeadcount is null)
        {
            return NotAvailable();
        }
        if (headcount == 0 || comparisonHeadcount == 0 || comparisonCount.Value == 0)
        {
            return NotApplicable();
        }
        var ratio = count.Value / headcount.Value / (comparisonCount.Value / comparisonHeadcount.Value);
        return Shown(Math.Round(ratio, 2, MidpointRounding.AwayFromZero));
    }

    /// <summary>A figure worked out from a withheld one is withheld; else from one not available, not available.</summary>
    private static FigureStatus Worse(FigureStatus a, FigureStatus b) =>
        a == FigureStatus.Suppressed || b == FigureStatus.Suppressed ? FigureStatus.Suppressed
        : a == FigureStatus.NotAvailable || b == FigureStatus.NotAvailable ? FigureStatus.NotAvailable
        : a == FigureStatus.Shown ? b : a;

    /// <summary>The figure as the DfE's open data writes it: the number, or "c" withheld, "x" not available, "z" not applicable.</summary>
    public static string AsCsv(Figure figure) => figure.Status switch
    {
        FigureStatus.Shown => figure.Value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        FigureStatus.Suppressed => "c",
        FigureStatus.NotAvailable => "x",
        _ => "z",
    };
}
