using Inclusion.Events.V1;
using InclusionServices.Reporting.Storage;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Projections;

/// <summary>
/// Reporting's one queue ("reporting-event-feed"), bound to the exchange of every event of the suite (one IConsumer per
/// event in EventCatalog; ReportingRulesTests checks none is missing, else its events arrive only by catch-up): each event is
/// handed to <see cref="LiveEvents"/>, which applies it with the others delivered at the same time in one transaction,
/// and acknowledged when that has committed. While a rebuild replays a batch it holds the read models to itself
/// (<see cref="ReadModelLock"/>), so live events wait for the batch rather than interleave with it.
/// </summary>
public sealed class EventFeed(LiveEvents liveEvents) :
    IConsumer<SchoolRegistered>, IConsumer<SchoolUpdated>, IConsumer<ReferralStatusChanged>, IConsumer<ExclusionChanged>,
    IConsumer<DeadlineMissed>, IConsumer<SchoolCalendarChanged>, IConsumer<PanelSittingScheduled>, IConsumer<MeetingChanged>,
    IConsumer<MeetingActionOverdue>, IConsumer<MeetingFollowedByPermanentExclusion>, IConsumer<PanelCaseListed>,
    IConsumer<PanelDecisionMade>, IConsumer<ProviderAdded>, IConsumer<ProviderPlacesChanged>, IConsumer<PlacementChanged>,
    IConsumer<SixthDayProvisionArranged>, IConsumer<SixthDayProvisionMissed>, IConsumer<PartTimeTimetableChanged>,
    IConsumer<PartTimeTimetableReviewOverdue>, IConsumer<PupilAttributesChanged>, IConsumer<InternalExclusionRecorded>
{
    public Task Consume(ConsumeContext<SchoolRegistered> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<SchoolUpdated> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<ReferralStatusChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<ExclusionChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<DeadlineMissed> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<SchoolCalendarChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PanelSittingScheduled> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<MeetingChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<MeetingActionOverdue> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<MeetingFollowedByPermanentExclusion> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PanelCaseListed> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PanelDecisionMade> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<ProviderAdded> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<ProviderPlacesChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PlacementChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<SixthDayProvisionArranged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<SixthDayProvisionMissed> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PartTimeTimetableChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PartTimeTimetableReviewOverdue> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<PupilAttributesChanged> context) => ApplyAsync(context.Message, context.CancellationToken);
    public Task Consume(ConsumeContext<InternalExclusionRecorded> context) => ApplyAsync(context.Message, context.CancellationToken);

    private Task ApplyAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken) =>
        liveEvents.ApplyAsync(integrationEvent, cancellationToken);
}

/// <summary>
/// A PostgreSQL advisory lock over the read models: live events take it shared (they run side by side), a rebuild
/// takes it exclusively for each step (emptying the tables, applying a batch of history), so the two never interleave
/// and never deadlock on each other's rows. Held until the transaction ends.
/// </summary>
public static class ReadModelLock
{
    private const long Key = 7_301_104;

    public static Task ShareAsync(ReportingDatabase database, CancellationToken cancellationToken) =>
        database.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock_shared({Key})", cancellationToken);

    public static Task TakeAsync(ReportingDatabase database, CancellationToken cancellationToken) =>
        database.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({Key})", cancellationToken);
}
