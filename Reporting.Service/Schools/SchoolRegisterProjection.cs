using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.Reporting.ExclusionPrevention;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Schools;

/// <summary>Keeps Reporting's list of schools and their report phase from Referrals' SchoolRegistered events.</summary>
public sealed class SchoolRegisterProjection(ReportingDatabase database, TimeProvider time)
    : IdempotentConsumer<SchoolRegistered, ReportingDatabase>(database, time)
{
    protected override Task ApplyAsync(SchoolRegistered registered, CancellationToken cancellationToken) =>
        Upsert(Database, registered.SchoolUrn, registered.Phase, registered.Metadata.Sequence, cancellationToken);

    /// <summary>
    /// Registration and updates arrive on different queues, so in any order and at the same moment: the event with
    /// the higher Referrals sequence number wins, and an older one arriving late changes nothing. One conditional
    /// statement decides, so two consumers can never both read the row and the older write last.
    /// </summary>
    public static async Task Upsert(ReportingDatabase database, string urn, SchoolPhase phase, long sequence,
        CancellationToken cancellationToken)
    {
        var reportPhase = ReportPhaseOf(phase).ToString();
        await database.Database.ExecuteSqlAsync($"""
            INSERT INTO schools (urn, phase, source_sequence) VALUES ({urn}, {reportPhase}, {sequence})
            ON CONFLICT (urn) DO UPDATE SET phase = excluded.phase, source_sequence = excluded.source_sequence
            WHERE schools.source_sequence < excluded.source_sequence
            """, cancellationToken);
    }

    /// <summary>Reports put special schools with secondary, as the team's chart does; AP settings go with secondary too.</summary>
    public static ReportPhase ReportPhaseOf(SchoolPhase phase) => phase switch
    {
        SchoolPhase.Primary => ReportPhase.Primary,
        SchoolPhase.Secondary or SchoolPhase.Special or SchoolPhase.AlternativeProvision => ReportPhase.SecondaryAndSpecial,
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, "A registered school must have a phase."),
    };
}

/// <summary>Keeps a school's report phase current when Referrals changes the school (SchoolUpdated).</summary>
public sealed class SchoolUpdateProjection(ReportingDatabase database, TimeProvider time)
    : IdempotentConsumer<SchoolUpdated, ReportingDatabase>(database, time)
{
    protected override Task ApplyAsync(SchoolUpdated updated, CancellationToken cancellationToken) =>
        SchoolRegisterProjection.Upsert(Database, updated.SchoolUrn, updated.Phase, updated.Metadata.Sequence, cancellationToken);
}
