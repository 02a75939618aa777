using System.Globalization;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Exclusion = InclusionServices.Referrals.Exclusions.Exclusion;
using EarlierSuspension = InclusionServices.SchoolCalendar.EarlierSuspension;
using ExclusionKind = InclusionServices.SchoolCalendar.ExclusionKind;
using ExclusionMessage = Inclusion.Referrals.V1.Exclusion;
using SchoolYears = InclusionServices.SchoolCalendar.SchoolYears;
using CalendarNotKnownException = InclusionServices.SchoolCalendar.CalendarNotKnownException;
using static InclusionServices.Referrals.Exclusions.ExclusionMapping;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>gRPC surface of exclusion notifications: reads requests, finds records, hands decisions to <see cref="Exclusion"/>.</summary>
public sealed class ExclusionsApi(ReferralsDatabase database, SchoolCalendarSource calendars, ExclusionRequests requests,
    AuditTrail audit, TimeProvider time)
    : Inclusion.Referrals.V1.Exclusions.ExclusionsBase
{

    public override Task<ExclusionMessage> RecordExclusion(RecordExclusionRequest request, ServerCallContext context) =>
        RecordAsync(requests.ReadNew(request), request.RequestId, request.Exclusion.Pupil, context);

    /// <summary>
    /// Records a new exclusion (a school's notice, or one that extends or converts a suspension) with what the child's
    /// other suspensions this school year mean for it.
    /// </summary>
    private async Task<ExclusionMessage> RecordAsync(NewExclusion notice, string givenRequestId, string pupilName, ServerCallContext context)
    {
        var requestId = IdempotentCreates.RequestIdOf(givenRequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("exclusions", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return await ToMessageAsync(await FindAsync(NamePrefix + earlier, context, tracked: false), context.CancellationToken);
        }
        var pupil = await database.Pupils.AsNoTracking().VisibleTo(context.GetHttpContext().User)
            .SingleOrDefaultAsync(p => p.Id == notice.PupilId, context.CancellationToken)
            ?? throw new RecordNotFoundException(pupilName);

        // The yearly cap counts every suspension of the child at any school, under every record of their UPN (another
        // school's record may await the team as a duplicate): two notices for one child at once must not both pass
        // it, so they are recorded one after the other.
        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        await database.Database.SerialiseOnAsync("pupil-exclusions", pupil.Upn, context.CancellationToken);
        var earlierThisYear = await SuspensionsOf(pupil.Upn, SchoolYears.Of(notice.StartDate))
            .Where(e => e.WithdrawnOn == null || e.SessionsServed > 0)
            .Select(e => new EarlierSuspension(e.StartDate, e.WithdrawnOn == null ? e.Sessions : e.SessionsServed, e.SchoolUrn, e.Kind))
            .ToListAsync(context.CancellationToken);
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        var (exclusion, report) = Exclusion.Record(notice, pupil.SchoolUrn, earlierThisYear, deadlines, time.GetUtcNow());

        database.Exclusions.Add(exclusion);
        // Whom the school must tell besides the parents, because of who the child is: due the school day it is recorded.
        var duties = NotificationDuty.Owed(pupil, exclusion.Id,
            NotificationDuty.DueFrom(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), deadlines.Calendar.For(pupil.SchoolUrn)));
        database.NotificationDuties.AddRange(duties);
        database.RememberCreate("exclusions", requestId, caller, exclusion.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, exclusion.PupilId, NamePrefix + exclusion.Id);
        await RecordEventAsync(exclusion, exclusion.IsSuspension ? ExclusionStep.SuspensionRecorded : ExclusionStep.PermanentExclusionRecorded,
            "", context.CancellationToken, report);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return ToMessage(exclusion, report, duties);
    }

    /// <summary>The suspensions of every record of the child in a school year, whatever their dates.</summary>
    private IQueryable<Exclusion> SuspensionsOf(string upn, int year)
    {
        var sameChild = database.Pupils.Where(p => p.Upn == upn).Select(p => p.Id);
        // Worked out here: EF Core evaluates a method call inside a query by compiling it to a delegate, on every run.
        var (first, last) = (SchoolYears.FirstDate(year), SchoolYears.LastDate(year));
        return database.Exclusions.AsNoTracking()
            .Where(e => sameChild.Contains(e.PupilId) && e.Kind != ExclusionKind.PermanentExclusion && e.StartDate >= first && e.StartDate <= last);
    }

    public override async Task<ExclusionMessage> WithdrawExclusion(WithdrawExclusionRequest request, ServerCallContext context)
    {
        var (withdrawnOn, reason) = requests.ReadWithdrawal(request);
        var exclusion = await FindAsync(request.Name, context);
        var upn = await database.Pupils.Where(p => p.Id == exclusion.PupilId).Select(p => p.Upn).SingleAsync(context.CancellationToken);

        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        await database.Database.SerialiseOnAsync("pupil-exclusions", upn, context.CancellationToken);
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        var days = deadlines.Calendar.For(exclusion.SchoolUrn);
        exclusion.Withdraw(withdrawnOn, reason, days);
        if (exclusion.IsSuspension)
        {
            // Suspensions recorded after this one counted all of it in their tallies: they are recounted with only what
            // the pupil had served.
            var term = days.TermOf(exclusion.StartDate);
            var laterIds = await SuspensionsOf(upn, SchoolYears.Of(exclusion.StartDate))
                .Where(e => e.RecordedAt > exclusion.RecordedAt && e.Id != exclusion.Id).Select(e => e.Id).ToListAsync(context.CancellationToken);
            foreach (var later in await database.Exclusions.Where(e => laterIds.Contains(e.Id)).ToListAsync(context.CancellationToken))
            {
                later.Discount(exclusion, term is not null && deadlines.Calendar.For(later.SchoolUrn).TermOf(later.StartDate) == term, deadlines);
            }
        }
        audit.Note(AuditActions.Changed, exclusion.PupilId, request.Name);
        await RecordEventAsync(exclusion, ExclusionStep.Withdrawn, "", context.CancellationToken);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    public override async Task<ExclusionMessage> ExtendSuspension(ExtendSuspensionRequest request, ServerCallContext context)
    {
        var suspension = await FindAsync(request.Name, context, tracked: false);
        var start = await FollowingDayAsync(suspension, context.CancellationToken);
        var notice = requests.ReadFollowing(suspension, ExclusionKind.Suspension, start, request.FurtherSessions, request.ReasonCodes, request.Details,
            request.RequestId, "further_sessions");
        return await RecordAsync(notice, request.RequestId, "pupils/" + suspension.PupilId, context);
    }

    public override async Task<ExclusionMessage> ConvertToPermanentExclusion(ConvertToPermanentExclusionRequest request, ServerCallContext context)
    {
        var suspension = await FindAsync(request.Name, context, tracked: false);
        var start = await FollowingDayAsync(suspension, context.CancellationToken);
        var notice = requests.ReadFollowing(suspension, ExclusionKind.PermanentExclusion, start, 2, request.ReasonCodes, request.Details,
            request.RequestId, null);
        return await RecordAsync(notice, request.RequestId, "pupils/" + suspension.PupilId, context);
    }

    public override async Task<ExclusionMessage> RecordNotification(RecordNotificationRequest request, ServerCallContext context)
    {
        var (recipient, toldOn, method, toldBy) = requests.ReadNotification(request);
        var exclusion = await FindAsync(request.Name, context, tracked: false);
        var duty = await database.NotificationDuties.SingleOrDefaultAsync(d => d.ExclusionId == exclusion.Id && d.Recipient == recipient,
            context.CancellationToken) ?? throw new PreconditionFailedException($"{request.Name} owes no notification to the {recipient}.");
        duty.RecordTold(toldOn, method, toldBy);
        audit.Note(AuditActions.Changed, exclusion.PupilId, request.Name);
        await database.SaveChangesAsync(context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    private async Task<DateOnly> FollowingDayAsync(Exclusion suspension, CancellationToken cancellationToken)
    {
        var deadlines = await calendars.DeadlinesAsync(database, cancellationToken);
        try
        {
            return suspension.NextSchoolDayAfter(deadlines.Calendar.For(suspension.SchoolUrn));
        }
        catch (CalendarNotKnownException unknown)
        {
            throw new PreconditionFailedException($"No school calendar is held for {SchoolYears.Label(unknown.SchoolYearStart)}: the next school day is not known.");
        }
    }

    public override async Task<ExclusionMessage> GetExclusion(GetExclusionRequest request, ServerCallContext context)
    {
        var exclusion = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync([(exclusion.PupilId, NamePrefix + exclusion.Id)], context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    public override async Task<ListExclusionsResponse> ListExclusions(ListExclusionsRequest request, ServerCallContext context)
    {
        var (items, next) = await PupilRecordPages.ReadAsync(database.Exclusions, context.GetHttpContext().User, request.Pupil, request.SchoolUrn,
            request.PageSize, request.PageToken, context.CancellationToken);
        await audit.NoteReadsAsync(items.Select(e => (e.PupilId, NamePrefix + e.Id)), context.CancellationToken);
        // One read of the calendar overrides serves every exclusion on the page.
        var deadlines = await calendars.DeadlinesAsync(database, context.CancellationToken);
        var ids = items.Select(e => e.Id).ToList();
        var duties = (await database.NotificationDuties.AsNoTracking().Where(d => ids.Contains(d.ExclusionId)).ToListAsync(context.CancellationToken))
            .ToLookup(d => d.ExclusionId);
        var response = new ListExclusionsResponse { NextPageToken = next };
        response.Exclusions.AddRange(items.Select(e => ToMessage(e, deadlines, [.. duties[e.Id]])));
        return response;
    }

    public override async Task<ExclusionMessage> RecordBoardDecision(RecordBoardDecisionRequest request, ServerCallContext context)
    {
        var (decision, notified) = requests.ReadBoardDecision(request);
        return await StepAsync(request.Name, context, ExclusionStep.BoardDecision, request.Decision.ToString().ToUpperInvariant(),
            e => e.RecordBoardDecision(decision, notified));
    }

    public override async Task<ExclusionMessage> RecordIrpApplication(RecordIrpApplicationRequest request, ServerCallContext context)
    {
        var applied = requests.ReadIrpApplication(request);
        return await StepAsync(request.Name, context, ExclusionStep.IrpRequested, "", e => e.RecordIrpApplication(applied));
    }

    public override async Task<ExclusionMessage> RecordIrpDecision(RecordIrpDecisionRequest request, ServerCallContext context)
    {
        var (decision, notified) = requests.ReadIrpDecision(request);
        return await StepAsync(request.Name, context, ExclusionStep.IrpDecided, request.Decision.ToString().ToUpperInvariant(),
            e => e.RecordIrpDecision(decision, notified));
    }

    private async Task<ExclusionMessage> StepAsync(string name, ServerCallContext context, ExclusionStep step, string decision, Action<Exclusion> apply)
    {
        var exclusion = await FindAsync(name, context);
        apply(exclusion);
        audit.Note(AuditActions.Changed, exclusion.PupilId, name);
        await RecordEventAsync(exclusion, step, decision, context.CancellationToken);
        await database.SaveChangesAsync(context.CancellationToken);
        return await ToMessageAsync(exclusion, context.CancellationToken);
    }

    private async Task RecordEventAsync(Exclusion exclusion, ExclusionStep step, string decision, CancellationToken cancellationToken,
        SchoolCalendar.DeadlineReport? recorded = null)
    {
        var sixthDay = recorded?.Find(SchoolCalendar.DeadlineKind.SixthDayProvision);
        var changed = new ExclusionChanged
        {
            Exclusion = NamePrefix + exclusion.Id,
            Step = step,
            Kind = (ExclusionEventKind)exclusion.Kind,
            StartDate = exclusion.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Sessions = exclusion.Sessions,
            Pupil = await ReportAttributes.LoadAsync(database, exclusion.PupilId, exclusion.SchoolUrn, cancellationToken),
            Decision = decision,
            IrpAppliedOn = step == ExclusionStep.IrpRequested && exclusion.IrpApplied is { } applied
                ? applied.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "",
            SixthDayProvisionDue = sixthDay?.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            SixthDayProvisionHolder = sixthDay?.Holder.ToString() ?? "",
            SixthDayCountedFrom = sixthDay is null ? "" : (exclusion.RunStartedOn ?? exclusion.StartDate).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Follows = exclusion.FollowsId is { } follows ? NamePrefix + follows : "",
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
        return await query.VisibleTo(context.GetHttpContext().User).SingleOrDefaultAsync(e => e.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private async Task<ExclusionMessage> ToMessageAsync(Exclusion exclusion, CancellationToken cancellationToken) =>
        ToMessage(exclusion, await calendars.DeadlinesAsync(database, cancellationToken),
            await database.NotificationDuties.AsNoTracking().Where(d => d.ExclusionId == exclusion.Id).ToListAsync(cancellationToken));
}
