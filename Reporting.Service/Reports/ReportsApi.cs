using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Reporting.Reports;

/// <summary>gRPC surface of the reports: the scope from the request and the caller, the figures from the read models.</summary>
public sealed class ReportsApi(ReportingDatabase database, ReportingCalendar calendar, TimeProvider time) : Inclusion.Reporting.V1.Reports.ReportsBase
{
    public override Task<PreventionSummary> GetPreventionSummary(ReportRequest request, ServerCallContext context) =>
        PreventionReport.BuildAsync(database, ReportScope.From(request, context), context.CancellationToken);

    public override Task<Inclusion.Reporting.V1.ExclusionsReport> GetExclusionsReport(ReportRequest request, ServerCallContext context) =>
        ExclusionsReport.BuildAsync(database, ReportScope.From(request, context), context.CancellationToken);

    public override Task<Inclusion.Reporting.V1.DisproportionalityReport> GetDisproportionalityReport(ReportRequest request, ServerCallContext context) =>
        DisproportionalityReport.BuildAsync(database, ReportScope.From(request, context), context.CancellationToken);

    public override Task<Inclusion.Reporting.V1.ComplianceReport> GetComplianceReport(ReportRequest request, ServerCallContext context) =>
        ComplianceReport.BuildAsync(database, calendar, ReportScope.From(request, context), ReportingCalendar.Today(time), context.CancellationToken);

    public override Task<Inclusion.Reporting.V1.ServicePerformanceReport> GetServicePerformanceReport(ReportRequest request, ServerCallContext context) =>
        ServicePerformanceReport.BuildAsync(database, calendar, ReportScope.From(request, context), context.CancellationToken);

    public override Task<Inclusion.Reporting.V1.PlacementsReport> GetPlacementsReport(ReportRequest request, ServerCallContext context) =>
        PlacementsReport.BuildAsync(database, calendar, ReportScope.From(request, context), context.CancellationToken);

    public override async Task ExportReportCsv(ExportReportCsvRequest request, IServerStreamWriter<CsvChunk> responseStream, ServerCallContext context)
    {
        new RequestValidation()
            .Check(request.Report != ReportKind.Unspecified && Enum.IsDefined(request.Report), "report", "must name one of the reports")
            .ThrowIfInvalid();
        var scope = ReportScope.From(request.Request, context);
        var token = context.CancellationToken;
        var name = ProtoEnums.ShortName(request.Report).ToLowerInvariant();
        var (scopeMessage, rows) = request.Report switch
        {
            ReportKind.PreventionSummary => await Tidy(PreventionReport.BuildAsync(database, scope, token), r => r.Scope, TidyCsv.Rows),
            ReportKind.Exclusions => await Tidy(ExclusionsReport.BuildAsync(database, scope, token), r => r.Scope, TidyCsv.Rows),
            ReportKind.Disproportionality => await Tidy(DisproportionalityReport.BuildAsync(database, scope, token), r => r.Scope, TidyCsv.Rows),
            ReportKind.Compliance => await Tidy(ComplianceReport.BuildAsync(database, calendar, scope, ReportingCalendar.Today(time), token),
                r => r.Scope, TidyCsv.Rows),
            ReportKind.ServicePerformance => await Tidy(ServicePerformanceReport.BuildAsync(database, calendar, scope, token), r => r.Scope, TidyCsv.Rows),
            _ => await Tidy(PlacementsReport.BuildAsync(database, calendar, scope, token), r => r.Scope, TidyCsv.Rows),
        };
        foreach (var chunk in TidyCsv.Chunks(name, scopeMessage, rows))
        {
            await responseStream.WriteAsync(new CsvChunk { Data = chunk }, token);
        }
    }

    public override async Task<Inclusion.Reporting.V1.PreventionChart> RenderPreventionChart(ReportRequest request, ServerCallContext context) =>
        Reports.PreventionChart.Render(await PreventionReport.BuildAsync(database, ReportScope.From(request, context), context.CancellationToken));

    private static async Task<(Inclusion.Reporting.V1.ReportScope, IEnumerable<TidyCsv.Row>)> Tidy<T>(Task<T> building,
        Func<T, Inclusion.Reporting.V1.ReportScope> scopeOf, Func<T, IEnumerable<TidyCsv.Row>> rowsOf)
    {
        var report = await building;
        return (scopeOf(report), rowsOf(report));
    }
}
