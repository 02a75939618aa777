using InclusionServices.Bench;

// dotnet run --project bench -c Release -- suite|reports [options]
// Against the PostgreSQL, RabbitMQ and services of a suite started with ./run.sh (passwords and the signing key are read from .local/run/).
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: dotnet run --project bench -c Release -- suite|reports [options]
          suite     the services as ./run.sh runs them: create a pupil, get a school, a pupil and a referral, list a school's
                    referrals, create and submit a referral, record an exclusion, schedule a meeting and record its outcome,
                    the prevention summary; beside pgbench and the bare gRPC + Npgsql service of bench/Bare at the same
                    concurrency, with each figure as a ratio of both; then the event lag (Referrals to Reporting) under an
                    open-loop stream of exclusions, and the services' resident memory
          reports   the prevention summary and the exclusions report over a read model of --records meetings and
                    exclusions (default 1,000,000), seeded once through Reporting's own projections into a database
                    of the benchmark's own, served by Reporting's own binary
        options:
          --requests N                 requests per measurement (default 2000)
          --callers N                  concurrent callers in the suite benchmark and pgbench clients (default 16)
          --lag-rate N, --lag-seconds N   the event-lag stream: writes a second and for how long (default 200 for 10 s)
          --referrals URL, --meetings URL, --reporting URL   the services' gRPC addresses (default 127.0.0.1:5101, 5102, 5104)
          --records N                  meeting and exclusion records to seed for `reports` (default 1000000)
          --postgres CS                PostgreSQL superuser connection string (default: the local run's)
          --rabbitmq-management URL    RabbitMQ management API with credentials (default: the local run's)
        """);
    return 0;
}
var options = BenchOptions.Parse(args[1..]);
return args[0] switch
{
    "suite" => await SuiteBench.RunAsync(options),
    "reports" => await ReportsBench.RunAsync(options),
    _ => throw new ArgumentException($"Unknown benchmark '{args[0]}'; try --help."),
};
