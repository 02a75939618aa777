using System.Text.Json;
using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.KnownPupils;
using InclusionServices.Meetings.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Meetings.Consumers;

/// <summary>A referral the team accepted, kept so that it can be put to the ISAP panel (identifiers and attributes only).</summary>
public sealed class AcceptedReferral
{
    public Guid ReferralId { get; set; }
    public PupilSnapshot Pupil { get; set; } = null!;
    /// <summary>False once the referral is closed: a closed referral is not put to the panel.</summary>
    public bool Open { get; set; }
    public long SourceSequence { get; set; }
}

/// <summary>Keeps Meetings' list of accepted referrals from Referrals' ReferralStatusChanged events, the newest winning.</summary>
public sealed class ReferralStatusConsumer(MeetingsDatabase database, TimeProvider time)
    : IdempotentConsumer<ReferralStatusChanged, MeetingsDatabase>(database, time)
{
    /// <summary>One conditional statement decides "newer wins", so steps applied at the same moment cannot undo each other.</summary>
    protected override async Task ApplyAsync(ReferralStatusChanged changed, CancellationToken cancellationToken)
    {
        if (changed.Status is ReferralStatus.Submitted or ReferralStatus.Declined)
        {
            return;
        }
        var id = Guid.Parse(changed.Referral.AsSpan("referrals/".Length));
        var pupil = JsonSerializer.Serialize(PupilSnapshot.From(changed.Pupil));
        var open = changed.Status != ReferralStatus.Closed;
        var sequence = changed.Metadata.Sequence;
        await Database.Database.ExecuteSqlAsync($"""
            INSERT INTO accepted_referrals (referral_id, pupil, open, source_sequence) VALUES ({id}, {pupil}::jsonb, {open}, {sequence})
            ON CONFLICT (referral_id) DO UPDATE SET pupil = excluded.pupil, open = excluded.open, source_sequence = excluded.source_sequence
            WHERE accepted_referrals.source_sequence < excluded.source_sequence
            """, cancellationToken);
    }
}
