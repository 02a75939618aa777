using Inclusion.Events.V1;
using InclusionServices.EventBus;
using InclusionServices.KnownPupils;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.Storage;

namespace InclusionServices.Placements.Consumers;

/// <summary>
/// An ISAP panel decision that calls for a placement becomes a proposed placement for the team to complete (provider,
/// dates, hours); decisions for more support in school or no action propose nothing.
/// </summary>
public sealed class PanelDecisionConsumer(PlacementsDatabase database, TimeProvider time)
    : IdempotentConsumer<PanelDecisionMade, PlacementsDatabase>(database, time)
{
    protected override Task ApplyAsync(PanelDecisionMade decision, CancellationToken cancellationToken)
    {
        PlacementKind? kind = decision.Decision switch
        {
            "PREVENTATIVE_PLACEMENT" => PlacementKind.Preventative,
            "INTERIM_PROVISION" => PlacementKind.Interim,
            "MANAGED_MOVE" => PlacementKind.ManagedMove,
            _ => null,
        };
        if (kind is { } proposed)
        {
            var placement = Placement.Propose(proposed, PupilSnapshot.From(decision.Pupil), providerId: null,
                new PlacementTerms(null, null, FullTime: true, null, PlacementTerms.DefaultReviewEverySchoolWeeks), source: decision.PanelCase);
            Database.Placements.Add(placement);
            PlacementsApi.RecordEvent(Database, placement, PlacementStep.Proposed, Time.GetUtcNow());
        }
        return Task.CompletedTask;
    }
}
