using Inclusion.Placements.V1;
using Inclusion.Reporting.V1;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsApi = Inclusion.Referrals.V1;

namespace InclusionServices.Tests.Reporting;

/// <summary>
/// A withdrawn permanent exclusion, followed through the suite: Placements no longer owes its sixth-day provision and
/// Reporting takes it out of the exclusion counts and the compliance report.
/// </summary>
public sealed class WithdrawalAcrossServicesTests(ReportingSuite suite) : IClassFixture<ReportingSuite>
{
    private const string Urn = "604101";

    [Fact]
    public async Task A_withdrawn_permanent_exclusion_leaves_no_duty_in_placements_and_no_count_in_the_reports()
    {
        await RegisterSchoolAsync(suite.Referrals.Channel, Urn);
        var pupil = await NewPupilAsync(suite.Referrals.Channel, Urn, 201);
        // Starting on the next school day, so its sixth day is still ahead (a duty already missed stays on record).
        var start = await NextSchoolDayAsync(suite.Referrals.Channel);
        var year = start.Month >= 8 ? start.Year : start.Year - 1;
        var exclusions = new ReferralsApi.Exclusions.ExclusionsClient(suite.Referrals.Channel);
        var exclusion = await exclusions.RecordExclusionAsync(new ReferralsApi.RecordExclusionRequest
        {
            Exclusion = new ReferralsApi.Exclusion
            {
                Pupil = pupil.Name, Kind = ReferralsApi.ExclusionKind.PermanentExclusion, StartDate = On(start.Year, start.Month, start.Day), Sessions = 2, ReasonCodes = { "PA" },
            },
        }, Officer);

        var sixthDay = new SixthDayProvision.SixthDayProvisionClient(suite.Placements.Channel);
        async Task<bool> OwedInPlacements() => (await sixthDay.ListSixthDayRequirementsAsync(
            new ListSixthDayRequirementsRequest { IncludeMet = true, PageSize = 100 }, Officer)).Requirements.Any(r => r.Exclusion == exclusion.Name);
        var reports = new Inclusion.Reporting.V1.Reports.ReportsClient(suite.Reporting.Channel);
        var scope = new ReportRequest { SchoolYearStart = year, SchoolUrn = Urn };
        async Task<double> PermanentExclusionsReported() => (await reports.GetExclusionsReportAsync(scope, Manager)).Totals
            .Single(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.PermanentExclusion).Count.Value;
        async Task<double> SixthDayDutiesReported()
        {
            var duty = (await reports.GetComplianceReportAsync(scope, Manager)).Duties.Single(d => d.Duty == "sixth_day_provision");
            return duty.MetOnTime.Value + duty.Missed.Value + duty.Pending.Value;
        }
        // Each condition is read on its own so a timeout says which service had not caught up.
        var seen = "";
        async Task<bool> Reached(bool owed, double exclusions, double duties)
        {
            var (isOwed, counted, dutiesCounted) = (await OwedInPlacements(), await PermanentExclusionsReported(), await SixthDayDutiesReported());
            seen = $"owed in Placements {isOwed}, permanent exclusions reported {counted}, sixth-day duties reported {dutiesCounted}."
                + Environment.NewLine + suite.DescribeLogs();
            return isOwed == owed && counted == exclusions && dutiesCounted == duties;
        }
        await Eventually.HoldsAsync(() => Reached(true, 1, 1), "the exclusion reached Placements and Reporting", describe: () => seen);

        await exclusions.WithdrawExclusionAsync(new ReferralsApi.WithdrawExclusionRequest { Name = exclusion.Name, WithdrawnOn = On(Today.Year, Today.Month, Today.Day) }, Officer);

        await Eventually.HoldsAsync(() => Reached(false, 0, 0), "the withdrawal reached Placements and Reporting", describe: () => seen);
        var byReason = (await reports.GetExclusionsReportAsync(scope, Manager)).Breakdowns.Where(b => b.Dimension == "reason").SelectMany(b => b.Groups)
            .Where(r => r.Group == "PA").Sum(r => r.Figures.Sum(f => f.Count.Value));
        Assert.Equal(0, byReason);
    }
}
