extern alias ReferralsService;

using Microsoft.EntityFrameworkCore;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ReferralsDatabase = ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Events;

/// <summary>Referrals whose outbox dispatcher polls only every five minutes: anything sooner was woken by a commit.</summary>
public sealed class ReferralsPollingRarely : ServiceUnderTest<SchoolsApi, ReferralsDatabase>
{
    public ReferralsPollingRarely() : base(ReferralsDatabase.ConnectionName) => Settings["EventBus:PollInterval"] = "00:05:00";
}

public sealed class OutboxWakeTests(ReferralsPollingRarely service) : IClassFixture<ReferralsPollingRarely>
{
    [Fact]
    public async Task A_commit_that_adds_events_wakes_the_dispatcher_rather_than_waiting_for_its_poll()
    {
        // Let the dispatcher publish what start-up left and settle into its five-minute wait.
        await Task.Delay(TimeSpan.FromSeconds(1));
        for (var school = 0; school < 3; school++)
        {
            await RegisterSchoolAsync(service.Channel, $"60900{school}");
            await Eventually.HoldsAsync(() => service.WithDatabase(db => db.OutboxEvents.AllAsync(e => e.PublishedAt != null)),
                $"school {school}'s event is published", seconds: 5);
        }
    }

    [Fact]
    public async Task Events_committed_while_a_batch_is_being_published_are_published_without_waiting_for_the_poll()
    {
        // Sixteen writers at once: commits land while the dispatcher is publishing, between its batches.
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int school;
            while ((school = Interlocked.Increment(ref next)) <= 160)
            {
                await RegisterSchoolAsync(service.Channel, $"61{school:0000}");
            }
        }));
        await Eventually.HoldsAsync(() => service.WithDatabase(db => db.OutboxEvents.AllAsync(e => e.PublishedAt != null)),
            "every event is published", seconds: 10);
    }
}
