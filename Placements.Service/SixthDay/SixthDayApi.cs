using Grpc.Core;
using InclusionServices.Placements.Placements;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Placements.V1;

namespace InclusionServices.Placements.SixthDay;

/// <summary>gRPC surface of sixth-day provision: what is owed, soonest first.</summary>
public sealed class SixthDayApi(PlacementsDatabase database, AuditTrail audit, TimeProvider time) : Proto.SixthDayProvision.SixthDayProvisionBase
{
    public override async Task<Proto.ListSixthDayRequirementsResponse> ListSixthDayRequirements(Proto.ListSixthDayRequirementsRequest request,
        ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation();
        var after = page.After is null ? ((DateOnly, Guid)?)null : SortKeys.DateAndId(page.After, validation);
        validation.ThrowIfInvalid();
        var query = database.SixthDayRequirements.AsNoTracking().VisibleTo(context.GetHttpContext().User);
        if (!request.IncludeMet)
        {
            query = query.Where(r => r.MetByPlacementId == null);
        }
        if (after is var (afterDue, afterId))
        {
            query = query.Where(r => r.Due > afterDue || (r.Due == afterDue && r.ExclusionId.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(r => r.Due).ThenBy(r => r.ExclusionId).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, r => SortKeys.DateAndId(r.Due, r.ExclusionId));
        await audit.NoteReadsAsync(items.Select(r => (r.PupilId, "exclusions/" + r.ExclusionId)), context.CancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var response = new Proto.ListSixthDayRequirementsResponse { NextPageToken = next };
        response.Requirements.AddRange(items.Select(r => new Proto.SixthDayRequirement
        {
            Exclusion = "exclusions/" + r.ExclusionId,
            Pupil = r.Pupil.Name,
            SchoolUrn = r.SchoolUrn,
            Holder = (Proto.SixthDayHolder)r.Holder,
            Due = r.Due.ToProtoDate(),
            MetBy = r.MetByPlacementId is { } placement ? PlacementsApi.NamePrefix + placement : "",
            Missed = r.IsMissedOn(today),
        }));
        return response;
    }
}
