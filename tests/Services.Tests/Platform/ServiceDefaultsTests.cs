using Google.Rpc;
using Grpc.Core;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace InclusionServices.Tests.Platform;

public sealed class GrpcErrorInterceptorTests
{
    private static async Task<RpcException> Translate(Exception thrown)
    {
        var interceptor = new GrpcErrorInterceptor(NullLogger<GrpcErrorInterceptor>.Instance);
        return await Assert.ThrowsAsync<RpcException>(() =>
            interceptor.UnaryServerHandler<string, string>("request", new FakeServerCallContext(), (_, _) => throw thrown));
    }

    [Fact]
    public async Task Validation_failures_become_invalid_argument_naming_each_field()
    {
        var error = await Translate(new RequestValidationException(
            [new FieldViolation("pupil.upn", "check letter is wrong"), new FieldViolation("pupil.date_of_birth", "is in the future")]));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var violations = error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations;
        Assert.Equal(["pupil.upn", "pupil.date_of_birth"], violations.Select(v => v.Field));
        Assert.Equal("check letter is wrong", violations[0].Description);
    }

    [Theory]
    [InlineData("not-found", StatusCode.NotFound)]
    [InlineData("wrong-state", StatusCode.FailedPrecondition)]
    [InlineData("concurrent", StatusCode.Aborted)]
    [InlineData("ef-concurrency", StatusCode.Aborted)]
    public async Task Domain_errors_map_to_their_status_codes(string kind, StatusCode expected)
    {
        Exception thrown = kind switch
        {
            "not-found" => new RecordNotFoundException("referrals/42"),
            "wrong-state" => new PreconditionFailedException("A declined referral cannot be allocated."),
            "concurrent" => new ConcurrentChangeException("referrals/42"),
            _ => new DbUpdateConcurrencyException("row changed"),
        };

        Assert.Equal(expected, (await Translate(thrown)).StatusCode);
    }

    [Fact]
    public async Task A_transaction_postgresql_rolled_back_to_break_a_deadlock_is_aborted_for_the_caller_to_retry()
    {
        // A real deadlock: two transactions each hold one lock and ask for the other's; PostgreSQL rolls one back.
        await using var first = new Npgsql.NpgsqlConnection(TestServers.Postgres);
        await using var second = new Npgsql.NpgsqlConnection(TestServers.Postgres);
        await first.OpenAsync();
        await second.OpenAsync();
        await using var firstWork = await first.BeginTransactionAsync();
        await using var secondWork = await second.BeginTransactionAsync();
        await new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(4101)", first, firstWork).ExecuteNonQueryAsync();
        await new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(4102)", second, secondWork).ExecuteNonQueryAsync();
        var firstWaits = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(4102)", first, firstWork).ExecuteNonQueryAsync();
        var secondWaits = new Npgsql.NpgsqlCommand("SELECT pg_advisory_xact_lock(4101)", second, secondWork).ExecuteNonQueryAsync();
        // PostgreSQL fails one (the victim's locks go at once) and the other then gets the lock it waited for.
        await Task.WhenAll(firstWaits, secondWaits).ContinueWith(_ => { }, TaskScheduler.Default);
        var victim = Assert.Single(new[] { firstWaits, secondWaits }, waited => waited.IsFaulted);
        var deadlock = Assert.IsType<Npgsql.PostgresException>(victim.Exception!.InnerException);
        Assert.Equal(Npgsql.PostgresErrorCodes.DeadlockDetected, deadlock.SqlState);

        var error = await Translate(new DbUpdateException("saving failed", deadlock));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Contains("nothing was changed", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unexpected_errors_become_internal_without_their_message_or_stack()
    {
        var error = await Translate(new InvalidOperationException("SELECT * FROM pupils WHERE name = 'Jane Doe'"));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("SELECT", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("trace id", error.Status.Detail, StringComparison.Ordinal);
    }

    private sealed class FakeServerCallContext : ServerCallContext
    {
        protected override string MethodCore => "/inclusion.tests.v1.Test/Call";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore => [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore => [];
        protected override Grpc.Core.Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore => new(null, []);
        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();
        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}

public sealed class PageRequestTests
{
    [Fact]
    public void A_zero_size_means_the_default_and_a_large_one_is_capped()
    {
        Assert.Equal(PageRequest.DefaultSize, PageRequest.From(0, "").Size);
        Assert.Equal(PageRequest.MaxSize, PageRequest.From(5000, "").Size);
    }

    [Fact]
    public void A_negative_size_is_invalid()
    {
        var error = Assert.Throws<RequestValidationException>(() => PageRequest.From(-1, ""));
        Assert.Equal("page_size", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void The_next_token_resumes_after_the_last_item_and_the_last_page_has_none()
    {
        var page = PageRequest.From(2, "");
        var (items, token) = page.Cut(["a", "b", "c"], s => s);

        Assert.Equal(["a", "b"], items);
        Assert.Equal("b", PageRequest.From(2, token).After);
        Assert.Equal("", page.Cut(["c"], s => s).NextPageToken);
    }
}

public sealed class DefaultDeadlineInterceptorTests
{
    private static readonly Method<string, string> Method = new(MethodType.Unary, "svc", "Call",
        Marshallers.StringMarshaller, Marshallers.StringMarshaller);

    private static DateTime? DeadlineSent(CallOptions options, FakeTimeProvider time)
    {
        DateTime? sent = null;
        new DefaultDeadlineInterceptor(TimeSpan.FromSeconds(10), time).AsyncUnaryCall(
            "request", new Grpc.Core.Interceptors.ClientInterceptorContext<string, string>(Method, null, options),
            (_, context) =>
            {
                sent = context.Options.Deadline;
                return new AsyncUnaryCall<string>(Task.FromResult(""), Task.FromResult(new Metadata()),
                    () => Grpc.Core.Status.DefaultSuccess, () => [], () => { });
            });
        return sent;
    }

    [Fact]
    public void A_call_without_a_deadline_gets_the_default_one()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTime(2026, 11, 25, 9, 0, 10, DateTimeKind.Utc), DeadlineSent(new CallOptions(), time));
    }

    [Fact]
    public void A_caller_that_sets_its_own_deadline_keeps_it()
    {
        var own = new DateTime(2026, 11, 25, 9, 0, 2, DateTimeKind.Utc);

        Assert.Equal(own, DeadlineSent(new CallOptions(deadline: own), new FakeTimeProvider()));
    }
}

public sealed class ConnectionPoolTests
{
    [Fact]
    public void A_service_keeps_at_most_32_connections_unless_its_connection_string_says_otherwise()
    {
        static int PoolOf(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(Storage.WithPoolLimit(connectionString)).MaxPoolSize;

        Assert.Equal(Storage.DefaultMaxPoolSize, PoolOf("Host=db;Database=referralsdb;Username=referrals"));
        Assert.Equal(5, PoolOf("Host=db;Database=referralsdb;Maximum Pool Size=5"));
        Assert.Equal(200, PoolOf("Host=db;Database=referralsdb;MaxPoolSize=200"));
    }
}

public sealed class PreparedStatementTests
{
    [Fact]
    public void A_service_prepares_up_to_64_statements_a_connection_unless_its_connection_string_says_otherwise()
    {
        static int PreparedOf(string connectionString) =>
            new Npgsql.NpgsqlConnectionStringBuilder(Storage.WithPreparedStatements(connectionString)).MaxAutoPrepare;

        Assert.Equal(Storage.DefaultMaxAutoPrepare, PreparedOf("Host=db;Database=referralsdb;Username=referrals"));
        Assert.Equal(0, PreparedOf("Host=db;Database=referralsdb;Max Auto Prepare=0"));
        Assert.Equal(8, PreparedOf("Host=db;Database=referralsdb;MaxAutoPrepare=8"));
    }

    [Fact]
    public async Task A_statement_sent_again_and_again_through_a_services_database_options_is_prepared_on_the_server()
    {
        var options = new DbContextOptionsBuilder().UseServiceDatabase(TestServers.Postgres).Options;
        await using var database = new DbContext(options);
        await database.Database.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            await database.Database.SqlQuery<int>($"SELECT {i} + 1 AS \"Value\"").ToListAsync();
        }

        var prepared = await database.Database
            .SqlQueryRaw<string>("SELECT statement AS \"Value\" FROM pg_prepared_statements")
            .ToListAsync();

        Assert.Contains(prepared, statement => statement.Contains("+ 1", StringComparison.Ordinal));
    }
}
