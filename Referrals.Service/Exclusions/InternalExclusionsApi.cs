using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using InternalExclusionMessage = Inclusion.Referrals.V1.InternalExclusion;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>gRPC surface of internal exclusions: checks the request and the school day, records, publishes the count's facts.</summary>
public sealed class InternalExclusionsApi(ReferralsDatabase database, SchoolCalendarSource calendars, AuditTrail audit, TimeProvider time)
    : Inclusion.Referrals.V1.InternalExclusions.InternalExclusionsBase
{
    private const string NamePrefix = "internalExclusions/";

    public override async Task<InternalExclusionMessage> RecordInternalExclusion(RecordInternalExclusionRequest request, ServerCallContext context)
    {
        var given = request.InternalExclusion ?? new InternalExclusionMessage();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        var pupilId = validation.ResourceId(given.Pupil, "pupils/", "internal_exclusion.pupil");
        var date = validation.RequireDate(given.Date, "internal_exclusion.date");
        validation
            .Check(given.Kind != Inclusion.Referrals.V1.InternalExclusionKind.Unspecified && Enum.IsDefined(given.Kind), "internal_exclusion.kind",
                "must be removal from the classroom, isolation, off-site direction or sent home")
            .Check(given.Sessions is >= 1 and <= InternalExclusion.MaxSessions, "internal_exclusion.sessions",
                $"must be from 1 to {InternalExclusion.MaxSessions} (half days)")
            .RequireText(given.Reason, "internal_exclusion.reason", InternalExclusion.MaxReasonLength)
            .Check(date is null || date <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), "internal_exclusion.date", "must not be in the future")
            .ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("internal_exclusions", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await database.InternalExclusions.AsNoTracking().SingleAsync(e => e.Id == Guid.Parse(earlier), context.CancellationToken));
        }
        var pupil = await database.Pupils.AsNoTracking().VisibleTo(context.GetHttpContext().User)
            .SingleOrDefaultAsync(p => p.Id == pupilId, context.CancellationToken) ?? throw new RecordNotFoundException(given.Pupil);
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        bool isSchoolDay;
        try
        {
            isSchoolDay = deadlines.Calendar.For(pupil.SchoolUrn).IsSchoolDay(date!.Value);
        }
        catch (SchoolCalendar.CalendarNotKnownException unknown)
        {
            throw new RequestValidationException([new FieldViolation("internal_exclusion.date",
                $"no school calendar is held for {SchoolCalendar.SchoolYears.Label(unknown.SchoolYearStart)}")]);
        }
        var recorded = InternalExclusion.Record(pupil.Id, pupil.SchoolUrn, (InternalExclusionKind)given.Kind, date!.Value, given.Sessions,
            given.Reason, isSchoolDay, time.GetUtcNow());

        database.InternalExclusions.Add(recorded);
        database.RememberCreate("internal_exclusions", requestId, caller, recorded.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, pupil.Id, NamePrefix + recorded.Id);
        database.RecordEvent(new InternalExclusionRecorded
        {
            InternalExclusion = NamePrefix + recorded.Id,
            Kind = recorded.Kind.ToString(),
            Date = recorded.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Sessions = recorded.Sessions,
            Pupil = await ReportAttributes.LoadAsync(database, pupil.Id, pupil.SchoolUrn, context.CancellationToken),
        }, NamePrefix + recorded.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(recorded);
    }

    public override async Task<ListInternalExclusionsResponse> ListInternalExclusions(ListInternalExclusionsRequest request, ServerCallContext context)
    {
        var (items, next) = await PupilRecordPages.ReadAsync(database.InternalExclusions, context.GetHttpContext().User, request.Pupil,
            request.SchoolUrn, request.PageSize, request.PageToken, context.CancellationToken);
        await audit.NoteReadsAsync(items.Select(e => (e.PupilId, NamePrefix + e.Id)), context.CancellationToken);
        var response = new ListInternalExclusionsResponse { NextPageToken = next };
        response.InternalExclusions.AddRange(items.Select(ToMessage));
        return response;
    }

    private static InternalExclusionMessage ToMessage(InternalExclusion recorded) => new()
    {
        Name = NamePrefix + recorded.Id,
        Pupil = "pupils/" + recorded.PupilId,
        SchoolUrn = recorded.SchoolUrn,
        Kind = (Inclusion.Referrals.V1.InternalExclusionKind)recorded.Kind,
        Date = recorded.Date.ToProtoDate(),
        Sessions = recorded.Sessions,
        Reason = recorded.Reason,
        RecordTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(recorded.RecordedAt),
    };
}
