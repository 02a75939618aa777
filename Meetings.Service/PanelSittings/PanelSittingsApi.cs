using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Meetings.V1;
using InclusionServices.Meetings.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using PanelSitting = InclusionServices.Meetings.PanelSittings.PanelSitting;
using PanelSittingMessage = Inclusion.Meetings.V1.PanelSitting;

namespace InclusionServices.Meetings.PanelSittings;

/// <summary>gRPC surface of the ISAP panel schedule.</summary>
public sealed class PanelSittingsApi(MeetingsDatabase database, TimeProvider time) : Inclusion.Meetings.V1.PanelSittings.PanelSittingsBase
{
    private const string NamePrefix = "panelSittings/";

    public override async Task<PanelSittingMessage> CreatePanelSitting(CreatePanelSittingRequest request, ServerCallContext context)
    {
        var given = request.PanelSitting ?? new PanelSittingMessage();
        var validation = new RequestValidation()
            .Check(given.Phase != Inclusion.Meetings.V1.PanelPhase.Unspecified && System.Enum.IsDefined(given.Phase),
                "panel_sitting.phase", "must be primary or secondary")
            .OptionalRequestId(request.RequestId);
        var cutOff = validation.RequireDate(given.CutOffDate, "panel_sitting.cut_off_date");
        var meeting = validation.RequireDate(given.MeetingDate, "panel_sitting.meeting_date");
        validation.Check(cutOff is null || meeting is null || PanelSitting.IsOrderedCorrectly(cutOff.Value, meeting.Value),
            "panel_sitting.cut_off_date", "must not be after the meeting date");
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

        var sitting = PanelSitting.Schedule(phase, cutOff!.Value, meeting!.Value);
        database.PanelSittings.Add(sitting);
        database.RememberCreate("panelSittings", requestId, caller, sitting.Id.ToString(), time.GetUtcNow());
        database.RecordEvent(new PanelSittingScheduled
        {
            PanelSitting = NamePrefix + sitting.Id,
            Phase = (Inclusion.Events.V1.PanelPhase)sitting.Phase,
            CutOffDate = sitting.CutOffDate.ToProtoDate(),
            MeetingDate = sitting.MeetingDate.ToProtoDate(),
        }, NamePrefix + sitting.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(sitting);
    }

    public override async Task<ListPanelSittingsResponse> ListPanelSittings(ListPanelSittingsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var query = database.PanelSittings.AsNoTracking();
        if (request.Phase != Inclusion.Meetings.V1.PanelPhase.Unspecified)
        {
            var phase = (PanelPhase)request.Phase;
            query = query.Where(s => s.Phase == phase);
        }
        if (page.After is not null)
        {
            var (afterDate, afterId) = ParseSortKey(page.After);
            query = query.Where(s => s.MeetingDate > afterDate || (s.MeetingDate == afterDate && s.Id.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(s => s.MeetingDate).ThenBy(s => s.Id)
            .Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, SortKey);
        var response = new ListPanelSittingsResponse { NextPageToken = next };
        response.PanelSittings.AddRange(items.Select(ToMessage));
        return response;
    }

    private static string SortKey(PanelSitting sitting) => $"{sitting.MeetingDate:yyyy-MM-dd}|{sitting.Id}";

    private static (DateOnly Date, Guid Id) ParseSortKey(string key)
    {
        var parts = key.Split('|');
        if (parts.Length == 2 && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", out var date) && Guid.TryParse(parts[1], out var id))
        {
            return (date, id);
        }
        throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
    }

    private static PanelSittingMessage ToMessage(PanelSitting sitting) => new()
    {
        Name = NamePrefix + sitting.Id,
        Phase = (Inclusion.Meetings.V1.PanelPhase)sitting.Phase,
        CutOffDate = sitting.CutOffDate.ToProtoDate(),
        MeetingDate = sitting.MeetingDate.ToProtoDate(),
    };
}
