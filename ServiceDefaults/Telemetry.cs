using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace InclusionServices.ServiceDefaults;

/// <summary>Traces, metrics and logs for every service, exported over OTLP to the Aspire dashboard.</summary>
public static class Telemetry
{
    /// <summary>The activity source and meter name prefix of the suite's own instrumentation.</summary>
    public const string SourcePrefix = "InclusionServices.";

    /// <summary>
    /// A span for work done once on behalf of several callers (a batch): it continues the caller's trace when there is
    /// one, and links to each caller's trace when there are several (a caller with no trace is left out).
    /// </summary>
    public static Activity? StartBatchActivity(this ActivitySource source, string name, IReadOnlyList<ActivityContext> callers) =>
        callers.Count == 1
            ? source.StartActivity(name, ActivityKind.Internal, callers[0])
            : source.StartActivity(name, ActivityKind.Internal, default(ActivityContext),
                links: callers.Where(caller => caller != default).Select(caller => new ActivityLink(caller)));

    public static IHostApplicationBuilder AddInclusionTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter("MassTransit")
                .AddMeter(SourcePrefix + "*"))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(SourcePrefix + "*")
                .AddSource("MassTransit")
                .AddAspNetCoreInstrumentation(options =>
                    // Probes every few seconds would bury the traces operators look for.
                    options.Filter = context => !IsProbe(context.Request.Path))
                .AddGrpcClientInstrumentation()
                .AddHttpClientInstrumentation()
                // Npgsql traces every command (its text, database, duration, error); EF Core's instrumentation would
                // trace each one a second time.
                .AddNpgsql());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Each signal's exporter on its own, so traces can pass through TraceSampling first.
            var sampling = builder.Configuration.GetSection(TraceSamplingOptions.SectionName).Get<TraceSamplingOptions>() ?? new TraceSamplingOptions();
            builder.Services.AddOpenTelemetry()
                .WithLogging(logging => logging.AddOtlpExporter())
                .WithMetrics(metrics => metrics.AddOtlpExporter())
                .WithTracing(tracing => tracing.AddProcessor(services => new TraceSampling(TraceExport(), sampling,
                    services.GetService<TimeProvider>() ?? TimeProvider.System)));
        }

        return builder;
    }

    /// <summary>
    /// The OTLP trace exporter as AddOtlpExporter would make it: endpoint, headers and protocol from the OTEL_EXPORTER_OTLP_*
    /// variables, batching from OTEL_BSP_* (Aspire asks for a 1 s delay, not the default 5 s).
    /// </summary>
    private static BatchActivityExportProcessor TraceExport()
    {
        var options = new OtlpExporterOptions();
        var batch = options.BatchExportProcessorOptions;
        return new BatchActivityExportProcessor(new OtlpTraceExporter(options), batch.MaxQueueSize, batch.ScheduledDelayMilliseconds,
            batch.ExporterTimeoutMilliseconds, batch.MaxExportBatchSize);
    }

    internal static bool IsProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.ReadinessPath) || path.StartsWithSegments(HealthEndpoints.LivenessPath);
}
