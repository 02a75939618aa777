using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Storage;

namespace InclusionServices.Reporting.Reports;

/// <summary>The first prevention report's RPC, kept for its callers: the same figures as Reports.GetPreventionSummary.</summary>
public sealed class ExclusionPreventionReportsApi(ReportingDatabase database) : ExclusionPreventionReports.ExclusionPreventionReportsBase
{
    public override async Task<ExclusionPreventionSummary> GetExclusionPreventionSummary(
        GetExclusionPreventionSummaryRequest request, ServerCallContext context)
    {
        var scope = ReportScope.From(new ReportRequest { SchoolYearStart = request.SchoolYearStart }, context);
        var summary = await PreventionReport.BuildAsync(database, scope, context.CancellationToken);
        var answer = new ExclusionPreventionSummary
        {
            SchoolYearStart = request.SchoolYearStart,
            TotalMeetings = (int)summary.Total.Meetings.Value,
            TotalPermanentExclusionsAfter = (int)summary.Total.FollowedByPermanentExclusion.Value,
        };
        answer.Phases.AddRange(summary.Phases.Select(p => new PhaseFigures
        {
            Phase = p.PhaseGroup,
            Meetings = (int)p.Meetings.Value,
            PermanentExclusionsAfter = (int)p.FollowedByPermanentExclusion.Value,
        }));
        return answer;
    }
}
