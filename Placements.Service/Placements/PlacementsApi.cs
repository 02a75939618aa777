using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.KnownPupils;
using InclusionServices.Placements.Providers;
using InclusionServices.Placements.SixthDay;
using InclusionServices.Placements.Storage;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Placements.V1;

namespace InclusionServices.Placements.Placements;

/// <summary>gRPC surface of placements: reads requests, serialises what competes for places, hands rules to <see cref="Placement"/>.</summary>
public sealed class PlacementsApi(PlacementsDatabase database, PupilDirectory pupils, SchoolCalendarSource calendars, AuditTrail audit,
    TimeProvider time) : Proto.Placements.PlacementsBase
{
    public const string NamePrefix = "placements/";

    public override async Task<Proto.Placement> ProposePlacement(Proto.ProposePlacementRequest request, ServerCallContext context)
    {
        var given = request.Placement ?? new Proto.Placement();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId)
            .Check(given.Kind != Proto.PlacementKind.Unspecified && Enum.IsDefined(given.Kind), "placement.kind", "must be one of the placement kinds");
        validation.ResourceId(given.Pupil, "pupils/", "placement.pupil");
        Guid? providerId = given.Provider.Length == 0 ? null : validation.ResourceId(given.Provider, ProvidersApi.NamePrefix, "placement.provider");
        var terms = ReadTerms(validation, given.StartDate, given.EndDate, given.FullTime, given.HoursPerWeek, given.ReviewEverySchoolWeeks, "placement.");
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("placements", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return await ToMessageAsync(await FindAsync(NamePrefix + earlier, context, tracked: false), context.CancellationToken);
        }
        if (providerId is { } id && !await database.Providers.AnyAsync(p => p.Id == id, context.CancellationToken))
        {
            throw new PreconditionFailedException($"placement.provider: {given.Provider} is not a provider.");
        }
        var pupil = await pupils.FindAsync(given.Pupil, "placement.pupil", context.CancellationToken);
        var placement = Placement.Propose((PlacementKind)given.Kind, pupil, providerId, terms, source: null);
        database.Placements.Add(placement);
        database.RememberCreate("placements", requestId, caller, placement.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, placement.PupilId, NamePrefix + placement.Id);
        RecordEvent(database, placement, PlacementStep.Proposed, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return await ToMessageAsync(placement, context.CancellationToken);
    }

    public override async Task<Proto.Placement> GetPlacement(Proto.GetPlacementRequest request, ServerCallContext context)
    {
        var placement = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync([(placement.PupilId, NamePrefix + placement.Id)], context.CancellationToken);
        return await ToMessageAsync(placement, context.CancellationToken);
    }

    public override async Task<Proto.ListPlacementsResponse> ListPlacements(Proto.ListPlacementsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check(request.Kind == Proto.PlacementKind.Unspecified || Enum.IsDefined(request.Kind), "kind", "is not a placement kind")
            .Check(request.Status == Proto.PlacementStatus.Unspecified || Enum.IsDefined(request.Status), "status", "is not a placement status");
        Guid? pupilId = request.Pupil.Length == 0 ? null : validation.ResourceId(request.Pupil, "pupils/", "pupil");
        Guid? providerId = request.Provider.Length == 0 ? null : validation.ResourceId(request.Provider, ProvidersApi.NamePrefix, "provider");
        Guid? after = page.After is null ? null : Guid.TryParse(page.After, out var last) ? last : null;
        validation.Check(page.After is null || after is not null, "page_token", "is not a token this service issued").ThrowIfInvalid();

        var query = database.Placements.AsNoTracking().VisibleTo(context.GetHttpContext().User);
        if (pupilId is not null)
        {
            query = query.Where(p => p.PupilId == pupilId);
        }
        if (providerId is not null)
        {
            query = query.Where(p => p.ProviderId == providerId);
        }
        if (request.Kind != Proto.PlacementKind.Unspecified)
        {
            var kind = (PlacementKind)request.Kind;
            query = query.Where(p => p.Kind == kind);
        }
        if (request.Status != Proto.PlacementStatus.Unspecified)
        {
            var status = (PlacementStatus)request.Status;
            query = query.Where(p => p.Status == status);
        }
        if (after is not null)
        {
            query = query.Where(p => p.Id.CompareTo(after.Value) > 0);
        }
        var fetched = await query.OrderBy(p => p.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, p => p.Id.ToString());
        await audit.NoteReadsAsync(items.Select(p => (p.PupilId, NamePrefix + p.Id)), context.CancellationToken);
        var calendar = await calendars.CalendarAsync(database, context.CancellationToken);
        var response = new Proto.ListPlacementsResponse { NextPageToken = next };
        response.Placements.AddRange(items.Select(p => PlacementMapping.ToMessage(p, calendar, Today)));
        return response;
    }

    public override async Task<Proto.Placement> AgreePlacement(Proto.AgreePlacementRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var providerId = request.Provider.Length == 0 ? (Guid?)null : validation.ResourceId(request.Provider, ProvidersApi.NamePrefix, "provider");
        var terms = ReadTerms(validation, request.StartDate, request.EndDate, request.FullTime, request.HoursPerWeek, request.ReviewEverySchoolWeeks, "");
        var etag = validation.Etag(request.Etag, "placement");
        validation.ThrowIfInvalid();

        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var placement = await FindAsync(request.Name, context, tracked: true);
        CheckEtag(placement, etag, request.Name);
        var provider = await database.Providers.SingleOrDefaultAsync(p => p.Id == (providerId ?? placement.ProviderId), context.CancellationToken)
            ?? throw new PreconditionFailedException("provider: a placement is agreed with a provider; give one.");
        // Two agreements for the last place: one waits for the other and then finds no place left. The pupil is
        // locked too, for the overlap rule.
        await database.Database.SerialiseOnAsync("provider-places", provider.Id.ToString(), context.CancellationToken);
        await database.Database.SerialiseOnAsync("pupil-placements", placement.PupilId.ToString(), context.CancellationToken);
        var placesTaken = await database.Placements.CountAsync(p => p.ProviderId == provider.Id
            && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started), context.CancellationToken);
        var fullTimeThere = await database.Placements.CountAsync(p => p.ProviderId == provider.Id && p.FullTime
            && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started), context.CancellationToken);
        var pupilsOthers = await database.Placements.AsNoTracking()
            .Where(p => p.PupilId == placement.PupilId && p.Id != placement.Id
                && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started))
            .ToListAsync(context.CancellationToken);

        placement.Agree(provider, terms, placesTaken, pupilsOthers, fullTimeThere);
        RecordEvent(database, placement, PlacementStep.Agreed, time.GetUtcNow());
        ProvidersApi.PlacesChanged(database, provider, placesTaken + 1, time.GetUtcNow());
        await MeetSixthDayRequirementsAsync(placement, context.CancellationToken);
        audit.Note(AuditActions.Changed, placement.PupilId, NamePrefix + placement.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return await ToMessageAsync(placement, context.CancellationToken);
    }

    public override async Task<Proto.Placement> StartPlacement(Proto.StartPlacementRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var startedOn = request.StartedOn is null ? (DateOnly?)null : validation.RequireDate(request.StartedOn, "started_on");
        validation.ThrowIfInvalid();
        return await ChangeAsync(request.Name, context, PlacementStep.Started, async placement =>
        {
            placement.Start(startedOn ?? placement.StartDate!.Value);
            await MeetSixthDayRequirementsAsync(placement, context.CancellationToken);
        });
    }

    public override async Task<Proto.Placement> ReviewPlacement(Proto.ReviewPlacementRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var reviewedOn = validation.RequireDate(request.ReviewedOn, "reviewed_on");
        validation.Check(reviewedOn is null || reviewedOn <= Today, "reviewed_on", "must not be in the future").ThrowIfInvalid();
        return await ChangeAsync(request.Name, context, PlacementStep.Reviewed, placement =>
        {
            placement.Review(reviewedOn!.Value, string.IsNullOrWhiteSpace(request.Notes) ? null : request.Notes.Trim());
            return Task.CompletedTask;
        });
    }

    public override async Task<Proto.Placement> EndPlacement(Proto.EndPlacementRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation()
            .Check(request.Outcome != Proto.PlacementOutcome.Unspecified && Enum.IsDefined(request.Outcome), "outcome", "must be one of the outcomes");
        var endedOn = validation.RequireDate(request.EndedOn, "ended_on");
        validation.ThrowIfInvalid();
        return await ChangeAsync(request.Name, context, PlacementStep.Ended, async placement =>
        {
            placement.End(endedOn!.Value, (PlacementOutcome)request.Outcome);
            await PlacesChangedAsync(placement, context.CancellationToken);
        });
    }

    public override async Task<Proto.Placement> WithdrawPlacement(Proto.WithdrawPlacementRequest request, ServerCallContext context)
    {
        new RequestValidation().RequireText(request.Reason, "reason", 1000).ThrowIfInvalid();
        return await ChangeAsync(request.Name, context, PlacementStep.Withdrawn, async placement =>
        {
            var heldAPlace = placement.TakesAPlace;
            placement.Withdraw(request.Reason.Trim());
            if (heldAPlace)
            {
                await PlacesChangedAsync(placement, context.CancellationToken);
            }
        });
    }

    /// <summary>A placement starting on or before an open sixth-day requirement's day meets it.</summary>
    private async Task MeetSixthDayRequirementsAsync(Placement placement, CancellationToken cancellationToken)
    {
        var open = await database.SixthDayRequirements
            .Where(r => r.PupilId == placement.PupilId && r.MetByPlacementId == null)
            .ToListAsync(cancellationToken);
        foreach (var requirement in open.Where(r => r.MetBy(placement)))
        {
            requirement.Meet(placement.Id);
            database.RecordEvent(new SixthDayProvisionArranged
            {
                Exclusion = "exclusions/" + requirement.ExclusionId,
                Placement = NamePrefix + placement.Id,
                Due = Iso(requirement.Due),
                Starts = Iso(placement.StartDate!.Value),
                Holder = requirement.Holder.ToString(),
                Pupil = requirement.Pupil.ToEvent(),
            }, "exclusions/" + requirement.ExclusionId, time.GetUtcNow());
        }
    }

    private async Task PlacesChangedAsync(Placement placement, CancellationToken cancellationToken)
    {
        if (placement.ProviderId is not { } providerId)
        {
            return;
        }
        var provider = await database.Providers.AsNoTracking().SingleAsync(p => p.Id == providerId, cancellationToken);
        var occupied = await database.Placements.CountAsync(p => p.ProviderId == providerId && p.Id != placement.Id
            && (p.Status == PlacementStatus.Agreed || p.Status == PlacementStatus.Started), cancellationToken);
        ProvidersApi.PlacesChanged(database, provider, occupied, time.GetUtcNow());
    }

    private async Task<Proto.Placement> ChangeAsync(string name, ServerCallContext context, PlacementStep step, Func<Placement, Task> change)
    {
        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var placement = await FindAsync(name, context, tracked: true);
        await database.Database.SerialiseOnAsync("pupil-placements", placement.PupilId.ToString(), context.CancellationToken);
        await change(placement);
        RecordEvent(database, placement, step, time.GetUtcNow());
        audit.Note(AuditActions.Changed, placement.PupilId, NamePrefix + placement.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return await ToMessageAsync(placement, context.CancellationToken);
    }

    internal static void RecordEvent(PlacementsDatabase database, Placement placement, PlacementStep step, DateTimeOffset now) =>
        database.RecordEvent(new PlacementChanged
        {
            Placement = NamePrefix + placement.Id,
            Step = step,
            Kind = ProtoEnums.ShortName((Proto.PlacementKind)placement.Kind),
            Provider = placement.ProviderId is { } provider ? ProvidersApi.NamePrefix + provider : "",
            StartDate = placement.StartDate is { } start ? Iso(start) : "",
            EndDate = placement.EndDate is { } end ? Iso(end) : "",
            FullTime = placement.FullTime,
            Outcome = step == PlacementStep.Ended && placement.Outcome is { } outcome ? ProtoEnums.ShortName((Proto.PlacementOutcome)outcome) : "",
            Pupil = placement.Pupil.ToEvent(),
        }, NamePrefix + placement.Id, now);

    private static PlacementTerms ReadTerms(RequestValidation validation, Google.Type.Date? start, Google.Type.Date? end, bool fullTime, double hours,
        int reviewWeeks, string prefix)
    {
        var startDate = start is null ? null : validation.RequireDate(start, prefix + "start_date");
        var endDate = end is null ? null : validation.RequireDate(end, prefix + "end_date");
        validation.Check(hours is >= 0 and <= 40, prefix + "hours_per_week", "must be from 0 to 40");
        return new PlacementTerms(startDate, endDate, fullTime, fullTime ? null : (decimal)(hours is >= 0 and <= 40 ? hours : 0),
            reviewWeeks == 0 ? PlacementTerms.DefaultReviewEverySchoolWeeks : reviewWeeks);
    }

    private void CheckEtag(Placement placement, uint etag, string name)
    {
        if (placement.Version != etag)
        {
            throw new ConcurrentChangeException(name);
        }
        database.Entry(placement).Property(p => p.Version).OriginalValue = etag;
    }

    private async Task<Placement> FindAsync(string name, ServerCallContext context, bool tracked)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.Placements : database.Placements.AsNoTracking();
        return await query.VisibleTo(context.GetHttpContext().User).SingleOrDefaultAsync(p => p.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private async Task<Proto.Placement> ToMessageAsync(Placement placement, CancellationToken cancellationToken) =>
        PlacementMapping.ToMessage(placement, await calendars.CalendarAsync(database, cancellationToken), Today);

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
