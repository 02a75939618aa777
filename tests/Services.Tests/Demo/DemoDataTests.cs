using Grpc.Core;
using Inclusion.Referrals.V1;
using Inclusion.Reporting.V1;
using InclusionServices.DemoData;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using InclusionServices.Tests.Reporting;

namespace InclusionServices.Tests.Demo;

/// <summary>
/// The demonstration seeder against the whole suite (real PostgreSQL and RabbitMQ): it runs twice without making
/// anything twice, and the reports show what it made.
/// </summary>
public sealed class DemoDataTests(ReportingSuite suite) : IClassFixture<ReportingSuite>
{
    private static readonly string[] DemoSchools = ["990001", "990002", "990003", "990004", "990005", "990006"];
    private static Metadata Manager => Tokens.Header(InclusionRoles.Manager);

    private DemoSeeder Seeder() => new(new DemoServices(suite.Referrals.Channel, suite.Meetings.Channel, suite.Placements.Channel, suite.Reporting.Channel),
        (role, urn) => Tokens.For(role, urn));

    /// <summary>Every demo school's pupils, referrals and exclusions, by name: what a second run must leave alone.</summary>
    private async Task<List<string>> RecordsAsync()
    {
        var pupils = new Pupils.PupilsClient(suite.Referrals.Channel);
        var referrals = new Inclusion.Referrals.V1.Referrals.ReferralsClient(suite.Referrals.Channel);
        var exclusions = new Exclusions.ExclusionsClient(suite.Referrals.Channel);
        var records = new List<string>();
        foreach (var urn in DemoSchools)
        {
            records.AddRange((await pupils.ListPupilsAsync(new ListPupilsRequest { SchoolUrn = urn, PageSize = 100 }, Manager)).Pupils.Select(p => p.Name));
            records.AddRange((await referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = urn, PageSize = 100 }, Manager)).Referrals
                .Select(r => $"{r.Name} {r.Status}"));
            records.AddRange((await exclusions.ListExclusionsAsync(new ListExclusionsRequest { SchoolUrn = urn, PageSize = 100 }, Manager)).Exclusions
                .Select(e => e.Name));
        }
        return records;
    }

    [Fact]
    public async Task The_demo_year_is_made_once_through_the_apis_and_every_report_has_it()
    {
        var first = await Seeder().SeedAsync();
        var afterFirst = await RecordsAsync();
        var second = await Seeder().SeedAsync();
        Assert.Equal(first, second);
        Assert.Equal(afterFirst, await RecordsAsync());

        Assert.Equal(58, afterFirst.Count(r => r.StartsWith("pupils/", StringComparison.Ordinal)));
        // Referrals in every state a referral can be in.
        var states = afterFirst.Where(r => r.StartsWith("referrals/", StringComparison.Ordinal)).Select(r => r.Split(' ')[1]).Distinct().ToList();
        Assert.Equal(Enum.GetValues<ReferralStatus>().Where(s => s != ReferralStatus.Unspecified).Select(s => s.ToString()).Order(), states.Order());

        // Last year's 35 prevention meetings and 4 permanent exclusions reach the reports; this year's referrals too.
        var reports = new Inclusion.Reporting.V1.Reports.ReportsClient(suite.Reporting.Channel);
        var lastYear = new ReportRequest { SchoolYearStart = first.LastYear };
        await Eventually.HoldsAsync(async () =>
        {
            var prevention = await reports.GetPreventionSummaryAsync(lastYear, Manager);
            var exclusions = await reports.GetExclusionsReportAsync(lastYear, Manager);
            var service = await reports.GetServicePerformanceReportAsync(new ReportRequest { SchoolYearStart = first.ThisYear }, Manager);
            return prevention.Total.Meetings.Value == 35
                && exclusions.Totals.Single(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.PermanentExclusion).Count.Value == 4
                && exclusions.Totals.Single(t => t.Kind == Inclusion.Reporting.V1.ExclusionKind.Suspension).Count.Value > 20
                && service.ReferralsReceived.Value == 8;
        }, "the reports show the demo year", seconds: 60);
    }
}
