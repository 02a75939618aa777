using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.KnownPupils;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.SixthDay;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Placements.Consumers;

/// <summary>
/// An exclusion that owes sixth-day provision (Referrals worked out the day, and who holds the duty) becomes a
/// requirement here, where the provision is arranged; a placement already covering the day meets it at once.
/// </summary>
public sealed class ExclusionConsumer(PlacementsDatabase database, TimeProvider time)
    : IdempotentConsumer<ExclusionChanged, PlacementsDatabase>(database, time)
{
    /// <summary>A withdrawal, or a recorded exclusion that owes sixth-day provision: nothing else changes a duty.</summary>
    protected override bool Concerns(ExclusionChanged changed) =>
        changed.Step == ExclusionStep.Withdrawn
        || (changed.Step is (ExclusionStep.SuspensionRecorded or ExclusionStep.PermanentExclusionRecorded) && changed.SixthDayProvisionDue.Length > 0);

    protected override async Task ApplyAsync(ExclusionChanged changed, CancellationToken cancellationToken)
    {
        var exclusionId = Guid.Parse(changed.Exclusion.AsSpan("exclusions/".Length));
        if (changed.Step == ExclusionStep.Withdrawn)
        {
            // Withdrawn by the head teacher: a duty not yet met or reported missed is owed no more, and one whose
            // "recorded" event comes later (the two may be handled at once, or out of order) is never owed.
            await Database.Database.SerialiseOnAsync("exclusion", exclusionId.ToString(), cancellationToken);
            await Database.SixthDayRequirements.Where(r => r.ExclusionId == exclusionId && r.MetByPlacementId == null && r.MissedReportedAt == null)
                .ExecuteDeleteAsync(cancellationToken);
            Database.WithdrawnExclusions.Add(new WithdrawnExclusion { ExclusionId = exclusionId, WithdrawnAt = Time.GetUtcNow() });
            return;
        }
        await Database.Database.SerialiseOnAsync("exclusion", exclusionId.ToString(), cancellationToken);
        if (await Database.SixthDayRequirements.AnyAsync(r => r.ExclusionId == exclusionId, cancellationToken)
            || await Database.WithdrawnExclusions.AnyAsync(w => w.ExclusionId == exclusionId, cancellationToken))
        {
            return;
        }
        var requirement = SixthDayRequirement.Owe(exclusionId, PupilSnapshot.From(changed.Pupil),
            Enum.Parse<SixthDayHolder>(changed.SixthDayProvisionHolder), Date(changed.SixthDayCountedFrom), Date(changed.SixthDayProvisionDue));
        Database.SixthDayRequirements.Add(requirement);

        var covering = await Database.Placements.AsNoTracking()
            .Where(p => p.PupilId == requirement.PupilId && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started))
            .ToListAsync(cancellationToken);
        if (covering.FirstOrDefault(requirement.MetBy) is { } placement)
        {
            requirement.Meet(placement.Id);
            Database.RecordEvent(new SixthDayProvisionArranged
            {
                Exclusion = changed.Exclusion, Placement = PlacementsApi.NamePrefix + placement.Id, Due = changed.SixthDayProvisionDue,
                Starts = placement.StartDate!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Holder = requirement.Holder.ToString(),
                Pupil = changed.Pupil,
            }, changed.Exclusion, Time.GetUtcNow());
        }
    }

    private static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
