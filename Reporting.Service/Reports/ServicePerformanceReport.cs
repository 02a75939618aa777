using System.Globalization;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Reports;

/// <summary>
/// How the service performs: referrals received (by the day they were submitted), accepted and declined (by the day
/// decided), by school and month; hours from submission to first contact (median and 90th percentile); each officer's
/// open caseload now; ISAP panel cases listed and decided in the year.
/// </summary>
public static class ServicePerformanceReport
{
    public static async Task<Inclusion.Reporting.V1.ServicePerformanceReport> BuildAsync(ReportingDatabase database, ReportingCalendar calendar,
        ReportScope scope, CancellationToken cancellationToken)
    {
        var (first, last) = (scope.FirstDay, scope.LastDay);
        var referrals = database.ReferralFacts.AsNoTracking().OfSchoolAndPhase(scope);
        var ofYear = await referrals
            .Where(r => (r.SubmittedOn >= first && r.SubmittedOn <= last) || (r.AcceptedOn >= first && r.AcceptedOn <= last)
                || (r.DeclinedOn >= first && r.DeclinedOn <= last))
            .ToListAsync(cancellationToken);
        bool InScope(DateOnly? day) => scope.Covers(day, calendar);
        var received = ofYear.Where(r => InScope(r.SubmittedOn)).ToList();
        var accepted = ofYear.Where(r => InScope(r.AcceptedOn)).ToList();
        var declined = ofYear.Where(r => InScope(r.DeclinedOn)).ToList();

        var report = new Inclusion.Reporting.V1.ServicePerformanceReport
        {
            Scope = scope.ToMessage(),
            ReferralsReceived = Figures.Count(received.Count, scope.ForPublication),
            ReferralsAccepted = Figures.Count(accepted.Count, scope.ForPublication),
            ReferralsDeclined = Figures.Count(declined.Count, scope.ForPublication),
        };
        report.Months.AddRange(Months(received, accepted, declined, scope.ForPublication));

        var contactHours = received.Where(r => r.SecondsToFirstContact is not null)
            .Select(r => r.SecondsToFirstContact!.Value / 3600.0).Order().ToList();
        report.FirstContacts = Figures.Count(contactHours.Count, scope.ForPublication);
        // A percentile of one or two contacts is one contact's own time.
        var enough = report.FirstContacts.Status == FigureStatus.Shown && contactHours.Count > 0;
        report.MedianHoursToFirstContact = enough ? Figures.Shown(Round(Percentile(contactHours, 0.5))) : Withheld(report.FirstContacts);
        report.P90HoursToFirstContact = enough ? Figures.Shown(Round(Percentile(contactHours, 0.9))) : Withheld(report.FirstContacts);

        if (scope.ShowsCaseloads)
        {
            var caseloads = await referrals.Where(r => r.Officer != null && !r.Closed && r.DeclinedOn == null)
                .GroupBy(r => r.Officer!).Select(g => new { Officer = g.Key, Open = g.Count() })
                .OrderBy(g => g.Officer).ToListAsync(cancellationToken);
            report.Caseloads.AddRange(caseloads.Select(c => new OfficerCaseload { Officer = c.Officer, OpenReferrals = Figures.Shown(c.Open) }));
        }
        await PanelAsync(database, calendar, scope, report, cancellationToken);
        report.Freshness = await FreshnessReader.ReadAsync(database, cancellationToken);
        return report;
    }

    private static IEnumerable<ReferralMonth> Months(List<ReferralFact> received, List<ReferralFact> accepted, List<ReferralFact> declined,
        bool forPublication)
    {
        static string MonthOf(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var keys = received.Select(r => (MonthOf(r.SubmittedOn!.Value), r.SchoolUrn ?? ""))
            .Concat(accepted.Select(r => (MonthOf(r.AcceptedOn!.Value), r.SchoolUrn ?? "")))
            .Concat(declined.Select(r => (MonthOf(r.DeclinedOn!.Value), r.SchoolUrn ?? "")))
            .Distinct().OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal);
        var months = keys.Select(key => new ReferralMonth
        {
            Month = key.Item1,
            SchoolUrn = key.Item2,
            Received = Figures.Count(received.Count(r => MonthOf(r.SubmittedOn!.Value) == key.Item1 && (r.SchoolUrn ?? "") == key.Item2), forPublication),
            Accepted = Figures.Count(accepted.Count(r => MonthOf(r.AcceptedOn!.Value) == key.Item1 && (r.SchoolUrn ?? "") == key.Item2), forPublication),
            Declined = Figures.Count(declined.Count(r => MonthOf(r.DeclinedOn!.Value) == key.Item1 && (r.SchoolUrn ?? "") == key.Item2), forPublication),
        }).ToList();
        // Each measure's months add up to the year's figure, shown beside them.
        Figures.ProtectSet([.. months.Select(m => m.Received)]);
        Figures.ProtectSet([.. months.Select(m => m.Accepted)]);
        Figures.ProtectSet([.. months.Select(m => m.Declined)]);
        return months;
    }

    private static async Task PanelAsync(ReportingDatabase database, ReportingCalendar calendar, ReportScope scope,
        Inclusion.Reporting.V1.ServicePerformanceReport report, CancellationToken cancellationToken)
    {
        var (first, last) = (scope.FirstDay, scope.LastDay);
        var cases = database.PanelCaseFacts.AsNoTracking().OfSchoolAndPhase(scope);
        var ofYear = await cases.Where(c => (c.ListedFor >= first && c.ListedFor <= last) || (c.DecidedOn >= first && c.DecidedOn <= last))
            .ToListAsync(cancellationToken);
        bool InScope(DateOnly? day) => scope.Covers(day, calendar);
        report.PanelCasesListed = Figures.Count(ofYear.Count(c => InScope(c.ListedFor)), scope.ForPublication);
        var decisions = ofYear.Where(c => InScope(c.DecidedOn) && c.Decision is not null)
            .GroupBy(c => c.Decision!).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new NamedCount { Name = g.Key, Count = Figures.Count(g.Count(), scope.ForPublication) }).ToList();
        Figures.ProtectSet([.. decisions.Select(d => d.Count)]);
        report.PanelDecisions.AddRange(decisions);
    }

    private static Figure Withheld(Figure count) =>
        count.Status == FigureStatus.Suppressed ? Figures.Suppressed() : Figures.NotApplicable();

    /// <summary>The percentile by linear interpolation between the closest ranks (as spreadsheets' PERCENTILE.INC).</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction)
    {
        var rank = fraction * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    }

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);
}
