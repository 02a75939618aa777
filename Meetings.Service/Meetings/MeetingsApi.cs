using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.KnownPupils;
using InclusionServices.Meetings.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Meetings.V1;
using static InclusionServices.Meetings.Meetings.MeetingMapping;

namespace InclusionServices.Meetings.Meetings;

/// <summary>gRPC surface of meetings: reads requests, finds what the caller may see, hands decisions to <see cref="Meeting"/>.</summary>
public sealed class MeetingsApi(MeetingsDatabase database, PupilDirectory pupils, AuditTrail audit, TimeProvider time)
    : Proto.Meetings.MeetingsBase
{
    public override async Task<Proto.Meeting> ScheduleMeeting(Proto.ScheduleMeetingRequest request, ServerCallContext context)
    {
        var asked = MeetingRequests.ReadNew(request);
        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(User(context));
        if (await database.EarlierCreateAsync("meetings", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await FindAsync(NamePrefix + earlier, context, tracked: false), context);
        }
        var pupil = await pupils.FindAsync(asked.Pupil, "meeting.pupil", context.CancellationToken);
        var review = asked.ExclusionId is { } exclusionId
            ? await database.IrpReviews.SingleOrDefaultAsync(r => r.ExclusionId == exclusionId, context.CancellationToken)
              ?? throw new PreconditionFailedException($"meeting.exclusion: Referrals has reported no Independent Review Panel for exclusions/{exclusionId}.")
            : null;
        var meeting = Meeting.Schedule(asked.Kind, pupil, asked.Slot, asked.LeadOfficer, asked.Attendees, review, time.GetUtcNow());
        if (review is not null)
        {
            review.MeetingId = meeting.Id;
        }
        database.Meetings.Add(meeting);
        database.RememberCreate("meetings", requestId, caller, meeting.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, meeting.PupilId, NamePrefix + meeting.Id);
        RecordEvent(meeting, MeetingStep.Scheduled);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(meeting, context);
    }

    public override async Task<Proto.Meeting> GetMeeting(Proto.GetMeetingRequest request, ServerCallContext context)
    {
        var meeting = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync([(meeting.PupilId, NamePrefix + meeting.Id)], context.CancellationToken);
        return ToMessage(meeting, context);
    }

    public override async Task<Proto.ListMeetingsResponse> ListMeetings(Proto.ListMeetingsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check(request.Kind == Proto.MeetingKind.Unspecified || Enum.IsDefined(request.Kind), "kind", "is not a meeting kind");
        Guid? pupilId = request.Pupil.Length == 0 ? null : validation.ResourceId(request.Pupil, "pupils/", "pupil");
        var from = request.From is null ? (DateOnly?)null : validation.RequireDate(request.From, "from");
        var to = request.To is null ? (DateOnly?)null : validation.RequireDate(request.To, "to");
        var after = page.After is null ? ((DateOnly, Guid)?)null : SortKeys.DateAndId(page.After, validation);
        validation.ThrowIfInvalid();

        var query = database.Meetings.AsNoTracking().VisibleTo(User(context));
        if (request.SchoolUrn.Length > 0 && InclusionClaims.SchoolUrnOf(User(context)) is null)
        {
            query = query.Where(m => m.SchoolUrn == request.SchoolUrn); // a school user always gets its own
        }
        if (pupilId is not null)
        {
            query = query.Where(m => m.PupilId == pupilId);
        }
        if (request.LeadOfficer.Length > 0)
        {
            query = query.Where(m => m.LeadOfficer == request.LeadOfficer);
        }
        if (request.Kind != Proto.MeetingKind.Unspecified)
        {
            var kind = (MeetingKind)request.Kind;
            query = query.Where(m => m.Kind == kind);
        }
        if (from is not null)
        {
            query = query.Where(m => m.MeetingDate >= from);
        }
        if (to is not null)
        {
            query = query.Where(m => m.MeetingDate <= to);
        }
        if (after is var (afterDate, afterId))
        {
            query = query.Where(m => m.MeetingDate > afterDate || (m.MeetingDate == afterDate && m.Id.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(m => m.MeetingDate).ThenBy(m => m.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, m => SortKeys.DateAndId(m.MeetingDate, m.Id));
        await audit.NoteReadsAsync(items.Select(m => (m.PupilId, NamePrefix + m.Id)), context.CancellationToken);
        var response = new Proto.ListMeetingsResponse { NextPageToken = next };
        response.Meetings.AddRange(items.Select(m => ToMessage(m, context)));
        return response;
    }

    public override async Task<Proto.Meeting> RescheduleMeeting(Proto.RescheduleMeetingRequest request, ServerCallContext context)
    {
        var (slot, attendees, etag) = MeetingRequests.ReadReschedule(request);
        return await ChangeAsync(request.Name, etag, context, meeting =>
        {
            meeting.Reschedule(slot, attendees);
            RecordEvent(meeting, MeetingStep.Rescheduled);
        });
    }

    public override async Task<Proto.Meeting> CancelMeeting(Proto.CancelMeetingRequest request, ServerCallContext context)
    {
        new RequestValidation().RequireText(request.Reason, "reason", 1000).ThrowIfInvalid();
        return await ChangeAsync(request.Name, null, context, meeting =>
        {
            meeting.Cancel(request.Reason.Trim());
            RecordEvent(meeting, MeetingStep.Cancelled);
        });
    }

    public override async Task<Proto.Meeting> RecordMeetingHeld(Proto.RecordMeetingHeldRequest request, ServerCallContext context)
    {
        var (held, etag) = MeetingRequests.ReadHeld(request);
        return await ChangeAsync(request.Name, etag, context, meeting =>
        {
            meeting.RecordHeld(held.Attendees, held.Contributions, held.Outcome, held.OutcomeDetails, held.Actions, time.GetUtcNow());
            RecordEvent(meeting, MeetingStep.Held);
        });
    }

    public override async Task<Proto.Meeting> CompleteAction(Proto.CompleteActionRequest request, ServerCallContext context)
    {
        var (meetingId, number) = MeetingRequests.ReadActionName(request.Name);
        var validation = new RequestValidation();
        var on = request.CompletedOn is null ? Today : validation.RequireDate(request.CompletedOn, "completed_on") ?? Today;
        validation.Check(on <= Today, "completed_on", "must not be in the future").ThrowIfInvalid();
        return await ChangeAsync(NamePrefix + meetingId, null, context, meeting => meeting.CompleteAction(number, on));
    }

    public override async Task<Proto.ListIrpReviewsResponse> ListIrpReviews(Proto.ListIrpReviewsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation();
        var after = page.After is null ? ((DateOnly, Guid)?)null : SortKeys.DateAndId(page.After, validation);
        validation.ThrowIfInvalid();
        var query = database.IrpReviews.AsNoTracking();
        if (after is var (afterDate, afterId))
        {
            query = query.Where(r => r.AppliedOn > afterDate || (r.AppliedOn == afterDate && r.ExclusionId.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(r => r.AppliedOn).ThenBy(r => r.ExclusionId).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, r => SortKeys.DateAndId(r.AppliedOn, r.ExclusionId));
        var meetingIds = items.Where(r => r.MeetingId is not null).Select(r => r.MeetingId!.Value).ToList();
        var meetings = await database.Meetings.AsNoTracking().Where(m => meetingIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, context.CancellationToken);
        await audit.NoteReadsAsync(items.Select(r => (r.PupilId, "exclusions/" + r.ExclusionId)), context.CancellationToken);
        var response = new Proto.ListIrpReviewsResponse { NextPageToken = next };
        response.Reviews.AddRange(items.Select(r => new Proto.IrpReview
        {
            Exclusion = "exclusions/" + r.ExclusionId,
            Pupil = "pupils/" + r.PupilId,
            SchoolUrn = r.SchoolUrn,
            AppliedOn = r.AppliedOn.ToProtoDate(),
            PanelDeadline = r.PanelDeadline?.ToProtoDate(),
            DeadlineNotCountedReason = r.DeadlineNotCountedReason ?? "",
            Meeting = r.MeetingId is { } id ? NamePrefix + id : "",
            MeetingAfterDeadline = r.MeetingId is { } held && meetings.TryGetValue(held, out var meeting) && meeting.AfterStatutoryDeadline,
        }));
        return response;
    }

    /// <summary>Applies one change to a meeting the caller may see, checking the etag where the request carries one.</summary>
    private async Task<Proto.Meeting> ChangeAsync(string name, uint? etag, ServerCallContext context, Action<Meeting> change)
    {
        var meeting = await FindAsync(name, context, tracked: true);
        if (etag is { } expected)
        {
            if (meeting.Version != expected)
            {
                throw new ConcurrentChangeException(name);
            }
            database.Entry(meeting).Property(m => m.Version).OriginalValue = expected;
        }
        change(meeting);
        audit.Note(AuditActions.Changed, meeting.PupilId, NamePrefix + meeting.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(meeting, context);
    }

    private void RecordEvent(Meeting meeting, MeetingStep step) =>
        database.RecordEvent(new MeetingChanged
        {
            Meeting = NamePrefix + meeting.Id,
            Step = step,
            Kind = (MeetingKindOfEvent)meeting.Kind,
            MeetingDate = meeting.MeetingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Outcome = step == MeetingStep.Held && meeting.Outcome is { } outcome ? ProtoEnums.ShortName((Proto.MeetingOutcome)outcome) : "",
            Pupil = meeting.Pupil.ToEvent(),
            Exclusion = meeting.ExclusionId is { } exclusion ? "exclusions/" + exclusion : "",
        }, NamePrefix + meeting.Id, time.GetUtcNow());

    private async Task<Meeting> FindAsync(string name, ServerCallContext context, bool tracked)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.Meetings : database.Meetings.AsNoTracking();
        return await query.VisibleTo(User(context)).SingleOrDefaultAsync(m => m.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private Proto.Meeting ToMessage(Meeting meeting, ServerCallContext context) =>
        MeetingMapping.ToMessage(meeting, forSchool: InclusionClaims.SchoolUrnOf(User(context)) is not null, Today);

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static System.Security.Claims.ClaimsPrincipal User(ServerCallContext context) => context.GetHttpContext().User;
}
