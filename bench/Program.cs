using InclusionServices.Bench;

// dotnet run --project bench -c Release -- reports [--records N] [--requests N] [--postgres CS] [--rabbitmq-management URL]
// Against the PostgreSQL and RabbitMQ of a suite started with ./run.sh (their passwords are read from .local/run/).
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: dotnet run --project bench -c Release -- reports [options]
          reports   the prevention summary and the exclusions report over a read model of --records meetings and
                    exclusions (default 1,000,000), seeded once through Reporting's own projections into a database
                    of the benchmark's own, served by Reporting's own binary
        options:
          --records N                  meeting and exclusion records to seed (default 1000000)
          --requests N                 requests per measurement (default 2000)
          --postgres CS                PostgreSQL superuser connection string (default: the local run's)
          --rabbitmq-management URL    RabbitMQ management API with credentials (default: the local run's)
        """);
    return 0;
}
var options = BenchOptions.Parse(args[1..]);
return args[0] switch
{
    "reports" => await ReportsBench.RunAsync(options),
    _ => throw new ArgumentException($"Unknown benchmark '{args[0]}'; try --help."),
};
