using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using BoardDecision = InclusionServices.Referrals.Exclusions.BoardDecision;
using DeadlineKind = InclusionServices.SchoolCalendar.DeadlineKind;
using DutyHolder = InclusionServices.SchoolCalendar.DutyHolder;
using Exclusion = InclusionServices.Referrals.Exclusions.Exclusion;
using ExclusionKind = InclusionServices.SchoolCalendar.ExclusionKind;
using ExclusionMessage = Inclusion.Referrals.V1.Exclusion;
using IrpDecision = InclusionServices.Referrals.Exclusions.IrpDecision;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>gRPC surface of exclusion notifications: checks and maps, works out deadlines, publishes each step.</summary>
public sealed class ExclusionsApi(ReferralsDatabase database, SchoolCalendarSource calendars, ExclusionReasonCodes reasons,
    RecordAccessAudit audit, TimeProvider time)
    : Inclusion.Referrals.V1.Exclusions.ExclusionsBase
{
    private const string NamePrefix = "exclusions/";
    private const string SchoolOrTeam = $"{InclusionRoles.School},{InclusionRoles.Officer},{InclusionRoles.Manager}";
    private const string Team = $"{InclusionRoles.Officer},{InclusionRoles.Manager}";

    [Authorize(Roles = SchoolOrTeam)]
    public override async Task<ExclusionMessage> RecordExclusion(RecordExclusionRequest request, ServerCallContext context)
    {
        var given = request.Exclusion ?? new ExclusionMessage();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        var kindSet = given.Kind != Inclusion.Referrals.V1.ExclusionKind.Unspecified && System.Enum.IsDefined(given.Kind);
        var kind = (ExclusionKind)given.Kind;
        validation.Check(kindSet, "exclusion.kind", "must be a suspension, a lunchtime suspension or a permanent exclusion")
            .Check(given.Details.Length <= 4000, "exclusion.details", "must be at most 4000 characters");
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
        if (start is { } first)
        {
            var codes = given.ReasonCodes;
            validation
                .Check(codes.Count >= 1 && codes.Count <= reasons.MaxReasonsOn(first), "exclusion.reason_codes",
                    $"give from 1 to {reasons.MaxReasonsOn(first)} reason codes for an exclusion starting {first:d MMMM yyyy}")
                .Check(codes.Distinct().Count() == codes.Count, "exclusion.reason_codes", "must not repeat a code");
            for (var i = 0; i < codes.Count; i++)
            {
                validation.Check(reasons.IsValidOn(codes[i], first), $"exclusion.reason_codes[{i}]", $"'{codes[i]}' is not a reason code in use on {first:yyyy-MM-dd}");
            }
            validation.Check(calendars.ReferenceData.Calendar.Years.Any(y => y.StartYear == SchoolYears.Of(first)), "exclusion.start_date",
                $"no school calendar is held for {SchoolYears.Label(SchoolYears.Of(first))}");
        }
        var exam = given.PublicExamMissed is null ? null : validation.RequireDate(given.PublicExamMissed, "exclusion.public_exam_missed");
        validation.Check(exam is null || start is null || exam >= start, "exclusion.public_exam_missed", "must not be before the exclusion starts");
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        if (await database.Exclusions.EarlierCreateAsync(requestId, context.CancellationToken) is { } earlier)
        {
            return await ToMessageAsync(earlier, context.CancellationToken);
        }
        var pupil = await database.Pupils.AsNoTracking().SingleOrDefaultAsync(p => p.Id == pupilId, context.CancellationToken);
        if (pupil is null || !InclusionClaims.MaySee(context.GetHttpContext().User, pupil.SchoolUrn))
        {
            throw new RecordNotFoundException(given.Pupil);
        }
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        var days = deadlines.Calendar.For(pupil.SchoolUrn);
        new RequestValidation().Check(days.IsSchoolDay(start!.Value), "exclusion.start_date", "must be a school day of the pupil's school").ThrowIfInvalid();

        // The yearly cap and the board's duties count every suspension this school year, at any school.
        var year = SchoolYears.Of(start.Value);
        var term = days.TermsOf(year).FirstOrDefault(t => t.Contains(start.Value));
        var earlierSuspensions = await database.Exclusions.AsNoTracking()
            .Where(e => e.PupilId == pupilId && e.Kind != ExclusionKind.PermanentExclusion
                && e.StartDate >= SchoolYears.FirstDate(year) && e.StartDate < start)
            .Select(e => new { e.StartDate, e.Sessions })
            .ToListAsync(context.CancellationToken);
        var beforeThisYear = earlierSuspensions.Sum(e => e.Sessions);
        var beforeThisTerm = term is null ? 0 : earlierSuspensions.Where(e => term.Contains(e.StartDate)).Sum(e => e.Sessions);

        var exclusion = Exclusion.Record(pupilId, pupil.SchoolUrn, kind, start.Value, given.Sessions, given.ReasonCodes,
            string.IsNullOrWhiteSpace(given.Details) ? null : given.Details.Trim(), given.ParentsMadeRepresentations, exam,
            beforeThisTerm, beforeThisYear, requestId, time.GetUtcNow());
        var report = deadlines.For(exclusion.Facts);
        if (report.Cap is { WouldBeExceeded: true } cap)
        {
            throw new PreconditionFailedException(
                $"This suspension would take the pupil to {cap.SessionsThisYearIncludingThis / 2.0:0.#} school days suspended this school year " +
                $"(across schools); no pupil may be suspended for more than {cap.CapSessions / 2} school days in a school year.");
        }
        database.Exclusions.Add(exclusion);
        audit.Note(context.GetHttpContext().User, RecordAction.Changed, exclusion.PupilId, NamePrefix + exclusion.Id);
        await RecordEventAsync(exclusion, exclusion.IsSuspension ? ExclusionStep.SuspensionRecorded : ExclusionStep.PermanentExclusionRecorded,
            "", context.CancellationToken);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(exclusion, report);
    }

    [Authorize(Roles = $"{SchoolOrTeam},{InclusionRoles.Service}")]
    public override async Task<ExclusionMessage> GetExclusion(GetExclusionRequest request, ServerCallContext context)
    {
        var exclusion = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync(context.GetHttpContext().User, [(exclusion.PupilId, NamePrefix + exclusion.Id)], context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    [Authorize(Roles = SchoolOrTeam)]
    public override async Task<ListExclusionsResponse> ListExclusions(ListExclusionsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation();
        Guid? pupilId = request.Pupil.Length == 0 ? null : validation.ResourceId(request.Pupil, "pupils/", "pupil");
        validation
            .Check(request.SchoolUrn.Length == 0 || SchoolIdentifiers.IsUrn(request.SchoolUrn), "school_urn", "must be a 6-digit URN")
            .ThrowIfInvalid();
        var query = database.Exclusions.AsNoTracking();
        var school = InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) ?? (request.SchoolUrn.Length > 0 ? request.SchoolUrn : null);
        if (school is not null)
        {
            query = query.Where(e => e.SchoolUrn == school);
        }
        if (pupilId is not null)
        {
            query = query.Where(e => e.PupilId == pupilId);
        }
        if (page.After is not null)
        {
            var after = Guid.TryParse(page.After, out var last) ? last
                : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
            query = query.Where(e => e.Id.CompareTo(after) < 0);
        }
        var fetched = await query.OrderByDescending(e => e.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, e => e.Id.ToString());
        await audit.NoteReadsAsync(context.GetHttpContext().User, items.Select(e => (e.PupilId, NamePrefix + e.Id)), context.CancellationToken);
        // One read of the calendar overrides serves every exclusion on the page.
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        var response = new ListExclusionsResponse { NextPageToken = next };
        response.Exclusions.AddRange(items.Select(e => ToMessage(e, deadlines.For(e.Facts))));
        return response;
    }

    [Authorize(Roles = SchoolOrTeam)]
    public override async Task<ExclusionMessage> RecordBoardDecision(RecordBoardDecisionRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation()
            .Check(request.Decision != Inclusion.Referrals.V1.BoardDecision.Unspecified && System.Enum.IsDefined(request.Decision), "decision", "must be reinstate or uphold");
        var notified = NotInFuture(validation, request.NotifiedOn, "notified_on");
        validation.ThrowIfInvalid();
        return await StepAsync(request.Name, context, ExclusionStep.BoardDecision, request.Decision.ToString().ToUpperInvariant(),
            e => e.RecordBoardDecision((BoardDecision)request.Decision, notified!.Value));
    }

    [Authorize(Roles = Team)]
    public override async Task<ExclusionMessage> RecordIrpApplication(RecordIrpApplicationRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var applied = NotInFuture(validation, request.AppliedOn, "applied_on");
        validation.ThrowIfInvalid();
        return await StepAsync(request.Name, context, ExclusionStep.IrpRequested, "", e => e.RecordIrpApplication(applied!.Value));
    }

    [Authorize(Roles = Team)]
    public override async Task<ExclusionMessage> RecordIrpDecision(RecordIrpDecisionRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation()
            .Check(request.Decision != Inclusion.Referrals.V1.IrpDecision.Unspecified && System.Enum.IsDefined(request.Decision), "decision",
                "must be uphold, recommend reconsideration or quash");
        var notified = NotInFuture(validation, request.NotifiedOn, "notified_on");
        validation.ThrowIfInvalid();
        return await StepAsync(request.Name, context, ExclusionStep.IrpDecided, request.Decision.ToString().ToUpperInvariant(),
            e => e.RecordIrpDecision((IrpDecision)request.Decision, notified!.Value));
    }

    private DateOnly? NotInFuture(RequestValidation validation, Google.Type.Date? date, string field)
    {
        var value = validation.RequireDate(date, field);
        validation.Check(value is null || value <= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), field, "must not be in the future");
        return value;
    }

    private async Task<ExclusionMessage> StepAsync(string name, ServerCallContext context, ExclusionStep step, string decision, Action<Exclusion> apply)
    {
        var exclusion = await FindAsync(name, context);
        apply(exclusion);
        audit.Note(context.GetHttpContext().User, RecordAction.Changed, exclusion.PupilId, name);
        await RecordEventAsync(exclusion, step, decision, context.CancellationToken);
        await database.SaveChangesAsync(context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    private async Task RecordEventAsync(Exclusion exclusion, ExclusionStep step, string decision, CancellationToken cancellationToken)
    {
        var changed = new ExclusionChanged
        {
            Exclusion = NamePrefix + exclusion.Id,
            Step = step,
            Kind = (ExclusionEventKind)exclusion.Kind,
            StartDate = exclusion.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Sessions = exclusion.Sessions,
            Pupil = await ReportAttributes.LoadAsync(database, exclusion.PupilId, exclusion.SchoolUrn, cancellationToken),
            Decision = decision,
        };
        changed.ReasonCodes.AddRange(exclusion.ReasonCodes);
        database.RecordEvent(changed, NamePrefix + exclusion.Id, time.GetUtcNow());
    }

    private async Task<Exclusion> FindAsync(string name, ServerCallContext context, bool tracked = true)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.Exclusions : database.Exclusions.AsNoTracking();
        var exclusion = await query.SingleOrDefaultAsync(e => e.Id == id, context.CancellationToken);
        return exclusion is null || !InclusionClaims.MaySee(context.GetHttpContext().User, exclusion.SchoolUrn)
            ? throw new RecordNotFoundException(name)
            : exclusion;
    }

    private async Task<ExclusionMessage> ToMessageAsync(Exclusion exclusion, CancellationToken cancellationToken) =>
        ToMessage(exclusion, (await calendars.DeadlinesAsync(database, cancellationToken)).For(exclusion.Facts));

    private static ExclusionMessage ToMessage(Exclusion exclusion, DeadlineReport report)
    {
        var message = new ExclusionMessage
        {
            Name = NamePrefix + exclusion.Id,
            Pupil = "pupils/" + exclusion.PupilId,
            SchoolUrn = exclusion.SchoolUrn,
            Kind = (Inclusion.Referrals.V1.ExclusionKind)exclusion.Kind,
            StartDate = exclusion.StartDate.ToProtoDate(),
            Sessions = exclusion.Sessions,
            Details = exclusion.Details ?? "",
            ParentsMadeRepresentations = exclusion.ParentsMadeRepresentations,
            PublicExamMissed = exclusion.PublicExamMissed?.ToProtoDate(),
            BoardDecision = (Inclusion.Referrals.V1.BoardDecision)(exclusion.BoardDecision ?? 0),
            BoardDecisionNotified = exclusion.BoardDecisionNotified?.ToProtoDate(),
            IrpApplied = exclusion.IrpApplied?.ToProtoDate(),
            IrpDecision = (Inclusion.Referrals.V1.IrpDecision)(exclusion.IrpDecision ?? 0),
            IrpDecisionNotified = exclusion.IrpDecisionNotified?.ToProtoDate(),
            SessionsSuspendedThisYear = report.Cap?.SessionsThisYearIncludingThis ?? 0,
        };
        message.ReasonCodes.AddRange(exclusion.ReasonCodes);
        message.Deadlines.AddRange(report.Deadlines.Select(d => new Inclusion.Referrals.V1.StatutoryDeadline
        {
            Kind = (Inclusion.Referrals.V1.DeadlineKind)d.Kind,
            Due = d.Date.ToProtoDate(),
            Holder = (Inclusion.Referrals.V1.DutyHolder)d.Holder,
            Rule = d.Rule,
        }));
        return message;
    }
}
