using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.Meetings.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Meetings.V1;

namespace InclusionServices.Meetings.Panel;

/// <summary>gRPC surface of the ISAP panel's schedule.</summary>
public sealed class PanelSittingsApi(MeetingsDatabase database, TimeProvider time) : Proto.PanelSittings.PanelSittingsBase
{
    public const string NamePrefix = "panelSittings/";

    public override async Task<Proto.PanelSitting> CreatePanelSitting(Proto.CreatePanelSittingRequest request, ServerCallContext context)
    {
        var given = request.PanelSitting ?? new Proto.PanelSitting();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId)
            .Check(given.Phase != Proto.PanelPhase.Unspecified && Enum.IsDefined(given.Phase), "panel_sitting.phase", "must be primary or secondary");
        var (cutOff, meeting) = ReadDates(given, validation);
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("panelSittings", requestId, caller, context.CancellationToken) is { } earlier)
        {
            var earlierId = Guid.Parse(earlier);
            return ToMessage(await database.PanelSittings.AsNoTracking().SingleAsync(s => s.Id == earlierId, context.CancellationToken));
        }
        var phase = (PanelPhase)given.Phase;
        if (await database.PanelSittings.AnyAsync(s => s.Phase == phase && s.MeetingDate == meeting, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                $"The {phase.ToString().ToLowerInvariant()} panel already sits on {meeting:yyyy-MM-dd}."));
        }
        var sitting = PanelSitting.Schedule(phase, cutOff, meeting!.Value);
        database.PanelSittings.Add(sitting);
        database.RememberCreate("panelSittings", requestId, caller, sitting.Id.ToString(), time.GetUtcNow());
        RecordEvent(database, sitting, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(sitting);
    }

    public override async Task<Proto.PanelSitting> UpdatePanelSitting(Proto.UpdatePanelSittingRequest request, ServerCallContext context)
    {
        var given = request.PanelSitting ?? new Proto.PanelSitting();
        var validation = new RequestValidation();
        var id = validation.ResourceId(given.Name, NamePrefix, "panel_sitting.name");
        var (cutOff, meeting) = ReadDates(given, validation);
        var etag = validation.Etag(given.Etag, "panel sitting", "panel_sitting.etag");
        validation.ThrowIfInvalid();

        var sitting = await database.PanelSittings.SingleOrDefaultAsync(s => s.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(given.Name);
        if (sitting.Version != etag)
        {
            throw new ConcurrentChangeException(given.Name);
        }
        database.Entry(sitting).Property(s => s.Version).OriginalValue = etag;
        sitting.Move(cutOff, meeting!.Value);
        RecordEvent(database, sitting, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(sitting);
    }

    public override async Task<Proto.ListPanelSittingsResponse> ListPanelSittings(Proto.ListPanelSittingsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check(request.Phase == Proto.PanelPhase.Unspecified || Enum.IsDefined(request.Phase), "phase", "must be primary or secondary");
        var after = page.After is null ? ((DateOnly, Guid)?)null : SortKeys.DateAndId(page.After, validation);
        validation.ThrowIfInvalid();
        var query = database.PanelSittings.AsNoTracking();
        if (request.Phase != Proto.PanelPhase.Unspecified)
        {
            var phase = (PanelPhase)request.Phase;
            query = query.Where(s => s.Phase == phase);
        }
        if (after is var (afterDate, afterId))
        {
            query = query.Where(s => s.MeetingDate > afterDate || (s.MeetingDate == afterDate && s.Id.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(s => s.MeetingDate).ThenBy(s => s.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, s => SortKeys.DateAndId(s.MeetingDate, s.Id));
        var response = new Proto.ListPanelSittingsResponse { NextPageToken = next };
        response.PanelSittings.AddRange(items.Select(ToMessage));
        return response;
    }

    private static (DateOnly? CutOff, DateOnly? Meeting) ReadDates(Proto.PanelSitting given, RequestValidation validation)
    {
        var cutOff = given.CutOffDate is null ? null : validation.RequireDate(given.CutOffDate, "panel_sitting.cut_off_date");
        var meeting = validation.RequireDate(given.MeetingDate, "panel_sitting.meeting_date");
        validation.Check(meeting is null || PanelSitting.IsOrderedCorrectly(cutOff, meeting.Value), "panel_sitting.cut_off_date",
            "must not be after the meeting date");
        return (cutOff, meeting);
    }

    internal static void RecordEvent(MeetingsDatabase database, PanelSitting sitting, DateTimeOffset now) =>
        database.RecordEvent(new PanelSittingScheduled
        {
            PanelSitting = NamePrefix + sitting.Id,
            Phase = (Inclusion.Events.V1.PanelPhase)sitting.Phase,
            CutOffDate = sitting.CutOffDate?.ToProtoDate(),
            MeetingDate = sitting.MeetingDate.ToProtoDate(),
        }, NamePrefix + sitting.Id, now);

    public static Proto.PanelSitting ToMessage(PanelSitting sitting) => new()
    {
        Name = NamePrefix + sitting.Id,
        Phase = (Proto.PanelPhase)sitting.Phase,
        CutOffDate = sitting.CutOffDate?.ToProtoDate(),
        MeetingDate = sitting.MeetingDate.ToProtoDate(),
        Etag = sitting.Version.ToString(CultureInfo.InvariantCulture),
    };
}
