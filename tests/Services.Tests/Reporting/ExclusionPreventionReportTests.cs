extern alias ReportingService;

using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.ServiceDefaults;
using ExclusionPreventionReportsApi = ReportingService::InclusionServices.Reporting.ExclusionPrevention.ExclusionPreventionReportsApi;
using MeetingOutcome = ReportingService::InclusionServices.Reporting.ExclusionPrevention.MeetingOutcome;
using Phase = ReportingService::InclusionServices.Reporting.ExclusionPrevention.ReportPhase;
using ReportingDatabase = ReportingService::InclusionServices.Reporting.Storage.ReportingDatabase;

namespace InclusionServices.Tests.Reporting;

public sealed class ReportingUnderTest() : ServiceUnderTest<ExclusionPreventionReportsApi, ReportingDatabase>(ReportingDatabase.ConnectionName);

public sealed class ExclusionPreventionReportTests(ReportingUnderTest service) : IClassFixture<ReportingUnderTest>
{
    private readonly ExclusionPreventionReports.ExclusionPreventionReportsClient _reports = new(service.Channel);

    private static IEnumerable<MeetingOutcome> Outcomes(Phase phase, int schoolYear, int meetings, int excluded) =>
        Enumerable.Range(0, meetings).Select(i => new MeetingOutcome
        {
            MeetingId = Guid.NewGuid(),
            Phase = phase,
            SchoolYearStart = schoolYear,
            FollowedByPermanentExclusion = i < excluded,
        });

    [Fact]
    public async Task The_2019_20_figures_match_the_teams_published_chart()
    {
        // The seed: secondary and special 49 meetings, 4 permanent exclusions; primary 26 and 1; 75 and 5 in all.
        await service.WithDatabase(async db =>
        {
            db.MeetingOutcomes.AddRange(Outcomes(Phase.SecondaryAndSpecial, 2019, 49, 4));
            db.MeetingOutcomes.AddRange(Outcomes(Phase.Primary, 2019, 26, 1));
            db.MeetingOutcomes.AddRange(Outcomes(Phase.Primary, 2020, 3, 3));
            return await db.SaveChangesAsync();
        });

        var summary = await _reports.GetExclusionPreventionSummaryAsync(
            new GetExclusionPreventionSummaryRequest { SchoolYearStart = 2019 }, Tokens.Header(InclusionRoles.Analyst));

        Assert.Equal(75, summary.TotalMeetings);
        Assert.Equal(5, summary.TotalPermanentExclusionsAfter);
        var secondary = summary.Phases.Single(p => p.Phase == ReportPhase.SecondaryAndSpecial);
        Assert.Equal((49, 4), (secondary.Meetings, secondary.PermanentExclusionsAfter));
        var primary = summary.Phases.Single(p => p.Phase == ReportPhase.Primary);
        Assert.Equal((26, 1), (primary.Meetings, primary.PermanentExclusionsAfter));
    }

    [Fact]
    public async Task A_school_user_may_not_read_the_report_and_a_year_before_records_began_is_invalid()
    {
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _reports.GetExclusionPreventionSummaryAsync(
            new GetExclusionPreventionSummaryRequest { SchoolYearStart = 2019 }, Tokens.Header(InclusionRoles.School, "104001")).ResponseAsync);
        await RpcAssert.InvalidFields(() => _reports.GetExclusionPreventionSummaryAsync(
            new GetExclusionPreventionSummaryRequest { SchoolYearStart = 2018 }, Tokens.Header(InclusionRoles.Analyst)).ResponseAsync,
            "school_year_start");
    }
}
