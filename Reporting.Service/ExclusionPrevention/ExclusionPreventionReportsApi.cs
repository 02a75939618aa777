using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.ExclusionPrevention;

/// <summary>gRPC surface of the Exclusion Prevention Meeting report.</summary>
public sealed class ExclusionPreventionReportsApi(ReportingDatabase database)
    : ExclusionPreventionReports.ExclusionPreventionReportsBase
{
    // The suite's records start with the 2019/20 school year (the seed's figures).
    private const int FirstSchoolYear = 2019;
    private const int LastSchoolYear = 2100;

    public override async Task<ExclusionPreventionSummary> GetExclusionPreventionSummary(
        GetExclusionPreventionSummaryRequest request, ServerCallContext context)
    {
        new RequestValidation()
            .Check(request.SchoolYearStart is >= FirstSchoolYear and <= LastSchoolYear, "school_year_start",
                $"must be a school year from {FirstSchoolYear} (for {FirstSchoolYear}/{(FirstSchoolYear + 1) % 100:00}) onwards")
            .ThrowIfInvalid();

        var outcomes = await database.MeetingOutcomes.AsNoTracking()
            .Where(o => o.SchoolYearStart == request.SchoolYearStart)
            .ToListAsync(context.CancellationToken);
        var figures = ExclusionPreventionFigures.Summarise(outcomes);

        var summary = new ExclusionPreventionSummary
        {
            SchoolYearStart = request.SchoolYearStart,
            TotalMeetings = figures.Sum(f => f.Meetings),
            TotalPermanentExclusionsAfter = figures.Sum(f => f.PermanentExclusionsAfter),
        };
        summary.Phases.AddRange(figures.Select(f => new PhaseFigures
        {
            Phase = (Inclusion.Reporting.V1.ReportPhase)f.Phase,
            Meetings = f.Meetings,
            PermanentExclusionsAfter = f.PermanentExclusionsAfter,
        }));
        return summary;
    }
}
