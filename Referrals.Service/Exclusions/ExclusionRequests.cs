using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using BoardDecision = InclusionServices.SchoolCalendar.BoardDecision;
using ExclusionKind = InclusionServices.SchoolCalendar.ExclusionKind;
using IrpDecision = InclusionServices.SchoolCalendar.IrpDecision;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>Reads exclusion requests into domain values, naming every offending field at once.</summary>
public sealed class ExclusionRequests(ExclusionReasonCodes reasons, SchoolCalendarSource calendars, TimeProvider time)
{
    /// <summary>How long before the first day the board may have been told (the head tells it "without delay").</summary>
    private const int BoardNoticeDaysBeforeStart = 30;

    public NewExclusion ReadNew(RecordExclusionRequest request)
    {
        var given = request.Exclusion ?? new Inclusion.Referrals.V1.Exclusion();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        var kindSet = given.Kind != Inclusion.Referrals.V1.ExclusionKind.Unspecified && Enum.IsDefined(given.Kind);
        var kind = (ExclusionKind)given.Kind;
        validation.Check(kindSet, "exclusion.kind", "must be a suspension, a lunchtime suspension or a permanent exclusion")
            .Check(given.Details.Length <= Exclusion.MaxDetailsLength, "exclusion.details", $"must be at most {Exclusion.MaxDetailsLength} characters");
        var pupilId = validation.ResourceId(given.Pupil, "pupils/", "exclusion.pupil");
        var start = validation.RequireDate(given.StartDate, "exclusion.start_date");
        if (kindSet)
        {
            var (least, most) = kind switch
            {
                ExclusionKind.LunchtimeSuspension => (1, 1),
                ExclusionKind.PermanentExclusion => (2, 2),
                _ => (1, 90),
            };
            validation.Check(given.Sessions >= least && given.Sessions <= most, "exclusion.sessions",
                least == most ? $"must be {least} for this kind of exclusion" : $"must be from {least} to {most} (half days)");
        }
        var codes = given.ReasonCodes;
        validation.Check(codes.Count <= 10, "exclusion.reason_codes", "at most 10");
        if (start is { } first && codes.Count <= 10)
        {
            validation
                .Check(codes.Count >= 1 && codes.Count <= reasons.MaxReasonsOn(first), "exclusion.reason_codes",
                    $"give from 1 to {reasons.MaxReasonsOn(first)} reason codes for an exclusion starting {first:d MMMM yyyy}")
                .Check(codes.Distinct().Count() == codes.Count, "exclusion.reason_codes", "must not repeat a code");
            for (var i = 0; i < codes.Count; i++)
            {
                validation.Check(reasons.IsValidOn(codes[i], first), $"exclusion.reason_codes[{i}]", $"'{Shorten(codes[i])}' is not a reason code in use on {first:yyyy-MM-dd}");
            }
            validation.Check(calendars.HoldsYear(SchoolYears.Of(first)), "exclusion.start_date",
                $"no school calendar is held for {SchoolYears.Label(SchoolYears.Of(first))}");
        }
        var exam = given.PublicExamMissed is null ? null : validation.RequireDate(given.PublicExamMissed, "exclusion.public_exam_missed");
        validation.Check(exam is null || start is null || exam >= start, "exclusion.public_exam_missed", "must not be before the exclusion starts");
        var boardNotified = given.BoardNotifiedOn is null ? null : NotInFuture(validation, given.BoardNotifiedOn, "exclusion.board_notified_on");
        validation.Check(boardNotified is null || start is null || boardNotified >= start.Value.AddDays(-BoardNoticeDaysBeforeStart),
            "exclusion.board_notified_on", $"must not be more than {BoardNoticeDaysBeforeStart} days before the exclusion starts");
        validation.ThrowIfInvalid();

        return new NewExclusion(pupilId, kind, start!.Value, given.Sessions, [.. codes],
            string.IsNullOrWhiteSpace(given.Details) ? null : given.Details.Trim(), given.ParentsMadeRepresentations, exam, boardNotified);
    }

    public (NotificationRecipient Recipient, DateOnly ToldOn, NotificationMethod Method, string? ToldBy) ReadNotification(RecordNotificationRequest request)
    {
        var validation = new RequestValidation()
            .Check(request.Recipient != Inclusion.Referrals.V1.NotificationRecipient.Unspecified && Enum.IsDefined(request.Recipient), "recipient",
                "must be the social worker, the Virtual School Head or the SEN caseworker")
            .Check(request.Method != Inclusion.Referrals.V1.NotificationMethod.Unspecified && Enum.IsDefined(request.Method), "method",
                "must be telephone, email, letter, in person or secure message")
            .Check(request.ToldBy.Length <= 200, "told_by", "must be at most 200 characters");
        var toldOn = NotInFuture(validation, request.ToldOn, "told_on");
        validation.ThrowIfInvalid();
        return ((NotificationRecipient)request.Recipient, toldOn!.Value, (NotificationMethod)request.Method,
            string.IsNullOrWhiteSpace(request.ToldBy) ? null : request.ToldBy.Trim());
    }

    public (DateOnly WithdrawnOn, string? Reason) ReadWithdrawal(WithdrawExclusionRequest request)
    {
        var validation = new RequestValidation()
            .Check(request.Reason.Length <= 2000, "reason", "must be at most 2000 characters");
        var withdrawnOn = NotInFuture(validation, request.WithdrawnOn, "withdrawn_on");
        validation.ThrowIfInvalid();
        return (withdrawnOn!.Value, string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim());
    }

    /// <summary>
    /// An exclusion that follows a suspension (extends or converts it), checked as any new one is; its violations name
    /// the request's own fields.
    /// </summary>
    public NewExclusion ReadFollowing(Exclusion suspension, ExclusionKind kind, DateOnly start, int sessions, IReadOnlyList<string> reasonCodes,
        string details, string requestId, string? sessionsField)
    {
        var given = new Inclusion.Referrals.V1.Exclusion
        {
            Pupil = "pupils/" + suspension.PupilId, Kind = (Inclusion.Referrals.V1.ExclusionKind)kind, StartDate = start.ToProtoDate(),
            Sessions = sessions, Details = details, ReasonCodes = { reasonCodes.Count > 0 ? reasonCodes : suspension.ReasonCodes },
        };
        try
        {
            return ReadNew(new RecordExclusionRequest { Exclusion = given, RequestId = requestId }) with { Follows = suspension.Id };
        }
        catch (RequestValidationException invalid)
        {
            throw new RequestValidationException([.. invalid.Violations.Select(v => v with
            {
                Field = v.Field switch
                {
                    "exclusion.sessions" when sessionsField is not null => sessionsField,
                    "exclusion.start_date" => "name",
                    _ => v.Field.StartsWith("exclusion.", StringComparison.Ordinal) ? v.Field["exclusion.".Length..] : v.Field,
                },
            })]);
        }
    }

    public (BoardDecision Decision, DateOnly NotifiedOn) ReadBoardDecision(RecordBoardDecisionRequest request)
    {
        var validation = new RequestValidation()
            .Check(request.Decision != Inclusion.Referrals.V1.BoardDecision.Unspecified && Enum.IsDefined(request.Decision), "decision", "must be reinstate or uphold");
        var notified = NotInFuture(validation, request.NotifiedOn, "notified_on");
        validation.ThrowIfInvalid();
        return ((BoardDecision)request.Decision, notified!.Value);
    }

    public DateOnly ReadIrpApplication(RecordIrpApplicationRequest request)
    {
        var validation = new RequestValidation();
        var applied = NotInFuture(validation, request.AppliedOn, "applied_on");
        validation.ThrowIfInvalid();
        return applied!.Value;
    }

    public (IrpDecision Decision, DateOnly NotifiedOn) ReadIrpDecision(RecordIrpDecisionRequest request)
    {
        var validation = new RequestValidation()
            .Check(request.Decision != Inclusion.Referrals.V1.IrpDecision.Unspecified && Enum.IsDefined(request.Decision), "decision",
                "must be uphold, recommend reconsideration or quash");
        var notified = NotInFuture(validation, request.NotifiedOn, "notified_on");
        validation.ThrowIfInvalid();
        return ((IrpDecision)request.Decision, notified!.Value);
    }

    private DateOnly? NotInFuture(RequestValidation validation, Google.Type.Date? date, string field)
    {
        var value = validation.RequireDate(date, field);
        validation.Check(value is null || value <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), field, "must not be in the future");
        return value;
    }

    private static string Shorten(string code) => code.Length <= 10 ? code : code[..10] + "...";
}
