extern alias ReferralsService;

using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inclusion.Referrals.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsDatabase = ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Platform;

/// <summary>Referrals on real ports with every log entry it writes kept, to see what an operator's dashboard would show.</summary>
public sealed class ReferralsWithLogs() : ServiceUnderTest<SchoolsApi, ReferralsDatabase>(ReferralsDatabase.ConnectionName)
{
    protected override bool OnKestrel => true;

    protected override LogLevel LoggedFrom => LogLevel.Information;
}

/// <summary>What callers do every day is not an error in the dashboard: hanging up mid-call is the caller's choice.</summary>
public sealed class QuietLogTests(ReferralsWithLogs service) : IClassFixture<ReferralsWithLogs>
{
    [Fact]
    public async Task A_client_that_cancels_or_drops_its_connection_mid_call_logs_no_error()
    {
        // Cancelled mid-stream: the census return is half sent when the caller gives up.
        using (var cancel = new CancellationTokenSource())
        {
            var census = new CensusReconciliation.CensusReconciliationClient(service.Channel);
            using var call = census.ReconcileCensusReturn(Officer, cancellationToken: cancel.Token);
            await call.RequestStream.WriteAsync(new CensusReturnChunk { SchoolYearStart = ThisSchoolYear, Data = ByteString.CopyFromUtf8("URN,UPN,") });
            await Task.Delay(300);
            await cancel.CancelAsync();
            await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        }

        // Connection dropped mid-stream: the channel (and its TCP connection) goes away while the service waits for more.
        var dropped = GrpcChannel.ForAddress(service.GrpcAddress);
        var stream = new CensusReconciliation.CensusReconciliationClient(dropped).ReconcileCensusReturn(Officer);
        await stream.RequestStream.WriteAsync(new CensusReturnChunk { SchoolYearStart = ThisSchoolYear, Data = ByteString.CopyFromUtf8("URN,UPN,") });
        await Task.Delay(300);
        dropped.Dispose();

        // A unary call whose caller stops waiting (a deadline shorter than the work).
        var pupils = new Pupils.PupilsClient(service.Channel);
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await pupils.ListPupilsAsync(new ListPupilsRequest { PageSize = 100 }, Officer, deadline: DateTime.UtcNow.AddMilliseconds(i % 5));
            }
            catch (RpcException)
            {
                // Expected: DEADLINE_EXCEEDED or CANCELLED at the client.
            }
        }

        await Task.Delay(1000);
        var errors = service.Logs.Entries.Where(e => e.Level >= LogLevel.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => $"{e.Level} {e.Category}: {e.Message}")));
    }

    [Fact]
    public void A_call_to_another_service_is_not_logged_line_by_line()
    {
        // Meetings and Placements ask Referrals about pupils through this client; the category is IHttpClientFactory's.
        var logger = service.Services.GetRequiredService<ILoggerFactory>()
            .CreateLogger("System.Net.Http.HttpClient.PupilsClient.LogicalHandler");

        Assert.False(logger.IsEnabled(LogLevel.Information));
    }
}
