using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.EventBus;

/// <summary>An event recorded with the state change that caused it, and kept afterwards as the service's history.</summary>
public sealed class OutboxEvent
{
    /// <summary>
    /// The producer's sequence number. A writer's insert gets a temporary negative number; the dispatcher numbers
    /// committed events 1, 2, 3... one batch at a time under its lock, so a replay that resumes after N never misses
    /// a later N-1, and writers never wait for each other to record events.
    /// </summary>
    public long Sequence { get; set; }
    public Guid EventId { get; set; }
    public string EventType { get; set; } = "";
    public string Subject { get; set; } = "";
    /// <summary>The event in the protobuf JSON mapping, without its sequence number (known only once inserted).</summary>
    public string Payload { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }

    /// <summary>The event as published: its metadata completed with the sequence number.</summary>
    public IIntegrationEvent ToEvent()
    {
        var integrationEvent = EventCatalog.Parse(EventType, Payload);
        integrationEvent.Metadata.Sequence = Sequence;
        return integrationEvent;
    }
}

/// <summary>An event a consumer has applied: written in the same transaction as the consumer's own changes.</summary>
public sealed class InboxEntry
{
    public Guid EventId { get; set; }
    public string Consumer { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// The database of a service that publishes or consumes events. Recording an event adds it to the outbox, so the
/// state change and the event commit together or not at all.
/// </summary>
public abstract class ServiceDatabase(DbContextOptions options) : DbContext(options)
{
    // Key of the PostgreSQL advisory lock the dispatcher takes so that one replica at a time numbers and publishes.
    internal const long OutboxDispatcherLock = 7_301_002;

    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<InboxEntry> InboxEntries => Set<InboxEntry>();

    /// <summary>Events were recorded and their transaction has not committed yet (read by <see cref="OutboxWake"/>).</summary>
    internal bool EventsAwaitingCommit { get; set; }

    /// <summary>The producing service's name, in every event's metadata.</summary>
    protected abstract string Producer { get; }

    /// <summary>
    /// Adds <paramref name="integrationEvent"/> to the outbox; it is numbered and published after SaveChanges commits
    /// (the commit wakes the dispatcher, see <see cref="OutboxWake"/>).
    /// </summary>
    public void RecordEvent(IIntegrationEvent integrationEvent, string subject, DateTimeOffset occurredAt)
    {
        var eventId = Guid.CreateVersion7(occurredAt);
        integrationEvent.Metadata = new EventMetadata
        {
            EventId = eventId.ToString(),
            OccurredAt = Timestamp.FromDateTimeOffset(occurredAt),
            Producer = Producer,
            Subject = subject,
            Traceparent = Activity.Current?.Id ?? "",
            Tracestate = Activity.Current?.TraceStateString ?? "",
        };
        EventsAwaitingCommit = true;
        OutboxEvents.Add(new OutboxEvent
        {
            EventId = eventId,
            EventType = integrationEvent.Descriptor.FullName,
            Subject = subject,
            Payload = EventJson.Formatter.Format(integrationEvent),
            OccurredAt = occurredAt,
        });
    }

    /// <summary>
    /// Saves without a savepoint when the caller began the transaction. EF Core would make one before each such save
    /// and release it after (a statement and a round trip more), so that a failed save could be rolled back to it and
    /// the transaction carried on; no code here carries on after a failed save, the whole transaction is discarded.
    /// Set on every save because a pooled context is reset to the default when it is returned.
    /// </summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        Database.AutoSavepointsEnabled = false;
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        Database.AutoSavepointsEnabled = false;
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddIdempotentRequests();
        AuditTrail.AddAuditEntries(modelBuilder);
        modelBuilder.Entity<OutboxEvent>(outbox =>
        {
            outbox.ToTable("outbox_events");
            outbox.HasKey(e => e.Sequence);
            // Temporary numbers count down from -1 (OutboxSchema.NumberCommittedEvents makes them the published sequence).
            outbox.Property(e => e.Sequence).UseIdentityByDefaultColumn()
                .HasIdentityOptions(startValue: -1, incrementBy: -1, minValue: long.MinValue, maxValue: -1);
            outbox.HasIndex(e => e.EventId).IsUnique();
            outbox.Property(e => e.EventType).HasMaxLength(200);
            outbox.Property(e => e.Subject).HasMaxLength(200);
            outbox.Property(e => e.Payload).HasColumnType("jsonb");
            outbox.Property(e => e.LastError).HasMaxLength(2000);
            // The dispatcher's question, "what is still to publish, oldest first", stays cheap as history grows.
            outbox.HasIndex(e => e.Sequence).HasFilter("published_at IS NULL").HasDatabaseName("ix_outbox_events_pending");
        });
        modelBuilder.Entity<InboxEntry>(inbox =>
        {
            inbox.ToTable("inbox_events");
            inbox.HasKey(e => new { e.EventId, e.Consumer });
            inbox.Property(e => e.Consumer).HasMaxLength(200);
        });
    }
}
