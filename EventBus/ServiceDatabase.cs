using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.EventBus;

/// <summary>An event recorded with the state change that caused it, and kept afterwards as the service's history.</summary>
public sealed class OutboxEvent
{
    /// <summary>The producer's sequence number: commits are serialised while events are recorded, so it follows commit order.</summary>
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
    // Keys of PostgreSQL advisory locks. Writers take the first while recording events so that sequence numbers
    // follow commit order (a replay that resumes after N never misses a later-committed N-1); the dispatcher
    // takes the second so that one replica at a time publishes, in sequence order.
    internal const long OutboxWriterLock = 7_301_001;
    internal const long OutboxDispatcherLock = 7_301_002;

    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<InboxEntry> InboxEntries => Set<InboxEntry>();

    /// <summary>The producing service's name, in every event's metadata.</summary>
    protected abstract string Producer { get; }

    /// <summary>Adds <paramref name="integrationEvent"/> to the outbox; it is published after SaveChanges commits.</summary>
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
        OutboxEvents.Add(new OutboxEvent
        {
            EventId = eventId,
            EventType = integrationEvent.Descriptor.FullName,
            Subject = subject,
            Payload = EventJson.Formatter.Format(integrationEvent),
            OccurredAt = occurredAt,
        });
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!ChangeTracker.Entries<OutboxEvent>().Any(e => e.State == EntityState.Added))
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        if (Database.CurrentTransaction is not null)
        {
            await LockOutboxAndNotifyAsync(cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await LockOutboxAndNotifyAsync(cancellationToken);
        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    /// <summary>
    /// Takes the writers' lock and asks PostgreSQL to wake the dispatchers (<see cref="OutboxNotifications"/>) in one
    /// round trip; the notification is delivered only if and when this transaction commits.
    /// </summary>
    private Task LockOutboxAndNotifyAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({OutboxWriterLock}), pg_notify({OutboxNotifications.Channel}, '')", cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: recording events needs the asynchronous path.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.AddIdempotentRequests();
        AuditTrail.AddAuditEntries(modelBuilder);
        modelBuilder.Entity<OutboxEvent>(outbox =>
        {
            outbox.ToTable("outbox_events");
            outbox.HasKey(e => e.Sequence);
            outbox.Property(e => e.Sequence).UseIdentityAlwaysColumn();
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
