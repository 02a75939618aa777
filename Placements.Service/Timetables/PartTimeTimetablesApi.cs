using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Inclusion.Events.V1;
using InclusionServices.KnownPupils;
using InclusionServices.Placements.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Proto = Inclusion.Placements.V1;

namespace InclusionServices.Placements.Timetables;

/// <summary>gRPC surface of the part-time timetable register.</summary>
public sealed class PartTimeTimetablesApi(PlacementsDatabase database, PupilDirectory pupils, AuditTrail audit, TimeProvider time)
    : Proto.PartTimeTimetables.PartTimeTimetablesBase
{
    public const string NamePrefix = "partTimeTimetables/";

    public override async Task<Proto.PartTimeTimetable> RecordPartTimeTimetable(Proto.RecordPartTimeTimetableRequest request, ServerCallContext context)
    {
        var given = request.PartTimeTimetable ?? new Proto.PartTimeTimetable();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        validation.ResourceId(given.Pupil, "pupils/", "part_time_timetable.pupil");
        validation.RequireText(given.Reason, "part_time_timetable.reason", 2000)
            .Check(given.ParentsAgreed, "part_time_timetable.parents_agreed", "a part-time timetable needs the parents' agreement")
            .Check(given.HoursPerWeek is >= 0 and <= 40, "part_time_timetable.hours_per_week", "must be from 0 to 40")
            .Check(given.FullTimeHoursPerWeek is >= 0 and <= 40, "part_time_timetable.full_time_hours_per_week", "must be from 0 to 40");
        var start = validation.RequireDate(given.StartDate, "part_time_timetable.start_date");
        var plannedEnd = validation.RequireDate(given.PlannedEnd, "part_time_timetable.planned_end");
        var agreedOn = validation.RequireDate(given.ParentsAgreedOn, "part_time_timetable.parents_agreed_on");
        validation.Check(agreedOn is null || agreedOn <= Today, "part_time_timetable.parents_agreed_on", "must not be in the future");
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("partTimeTimetables", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await FindAsync(NamePrefix + earlier, context, tracked: false));
        }
        var pupil = await pupils.FindAsync(given.Pupil, "part_time_timetable.pupil", context.CancellationToken);
        if (!InclusionClaims.MaySee(context.GetHttpContext().User, pupil.SchoolUrn))
        {
            throw new RecordNotFoundException(given.Pupil); // a school records its own pupils' timetables only
        }
        var timetable = PartTimeTimetable.Record(pupil, (decimal)given.HoursPerWeek,
            given.FullTimeHoursPerWeek == 0 ? PartTimeTimetable.DefaultFullTimeHours : (decimal)given.FullTimeHoursPerWeek,
            given.Reason.Trim(), start!.Value, plannedEnd!.Value, agreedOn!.Value,
            given.ReviewEveryDays == 0 ? PartTimeTimetable.DefaultReviewEveryDays : given.ReviewEveryDays);
        database.PartTimeTimetables.Add(timetable);
        database.RememberCreate("partTimeTimetables", requestId, caller, timetable.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, timetable.PupilId, NamePrefix + timetable.Id);
        RecordEvent(timetable, PartTimeTimetableStep.Started, "");
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(timetable);
    }

    public override async Task<Proto.PartTimeTimetable> GetPartTimeTimetable(Proto.GetPartTimeTimetableRequest request, ServerCallContext context)
    {
        var timetable = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync([(timetable.PupilId, NamePrefix + timetable.Id)], context.CancellationToken);
        return ToMessage(timetable);
    }

    public override async Task<Proto.ListPartTimeTimetablesResponse> ListPartTimeTimetables(Proto.ListPartTimeTimetablesRequest request,
        ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check(Enum.IsDefined(request.View), "view", "is not one of the views")
            .Check(request.View != Proto.PartTimeTimetableView.OpenLongerThan || request.OpenLongerThanDays > 0, "open_longer_than_days",
                "must be at least 1 for this view");
        var dueBy = request.DueBy is null ? Today : validation.RequireDate(request.DueBy, "due_by") ?? Today;
        var after = page.After is null ? ((DateOnly, Guid)?)null : SortKeys.DateAndId(page.After, validation);
        validation.ThrowIfInvalid();

        var query = database.PartTimeTimetables.AsNoTracking().VisibleTo(context.GetHttpContext().User)
            .Where(t => t.Status == TimetableStatus.Current);
        if (request.SchoolUrn.Length > 0 && InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) is null)
        {
            query = query.Where(t => t.SchoolUrn == request.SchoolUrn);
        }
        var today = Today;
        query = request.View switch
        {
            Proto.PartTimeTimetableView.ReviewsDue => query.Where(t => t.NextReviewDue <= dueBy),
            Proto.PartTimeTimetableView.ReviewsOverdue => query.Where(t => t.NextReviewDue < today),
            Proto.PartTimeTimetableView.OpenLongerThan => query.Where(t => t.StartDate < today.AddDays(-request.OpenLongerThanDays)),
            _ => query,
        };
        if (after is var (afterDue, afterId))
        {
            query = query.Where(t => t.NextReviewDue > afterDue || (t.NextReviewDue == afterDue && t.Id.CompareTo(afterId) > 0));
        }
        var fetched = await query.OrderBy(t => t.NextReviewDue).ThenBy(t => t.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, t => SortKeys.DateAndId(t.NextReviewDue, t.Id));
        await audit.NoteReadsAsync(items.Select(t => (t.PupilId, NamePrefix + t.Id)), context.CancellationToken);
        var response = new Proto.ListPartTimeTimetablesResponse { NextPageToken = next };
        response.PartTimeTimetables.AddRange(items.Select(ToMessage));
        return response;
    }

    public override async Task<Proto.PartTimeTimetable> ReviewPartTimeTimetable(Proto.ReviewPartTimeTimetableRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation()
            .Check(request.Decision != Proto.TimetableReviewDecision.Unspecified && Enum.IsDefined(request.Decision), "decision",
                "must be extend, increase hours, return to full time or end");
        var reviewedOn = validation.RequireDate(request.ReviewedOn, "reviewed_on");
        validation.Check(reviewedOn is null || reviewedOn <= Today, "reviewed_on", "must not be in the future");
        var newEnd = request.NewPlannedEnd is null ? null : validation.RequireDate(request.NewPlannedEnd, "new_planned_end");
        validation.Check(request.NewHoursPerWeek is >= 0 and <= 40, "new_hours_per_week", "must be from 0 to 40").ThrowIfInvalid();

        var timetable = await FindAsync(request.Name, context, tracked: true);
        var decision = (TimetableReviewDecision)request.Decision;
        timetable.Review(reviewedOn!.Value, decision, newEnd, request.NewHoursPerWeek > 0 ? (decimal)request.NewHoursPerWeek : null,
            string.IsNullOrWhiteSpace(request.Notes) ? null : request.Notes.Trim());
        audit.Note(AuditActions.Changed, timetable.PupilId, NamePrefix + timetable.Id);
        RecordEvent(timetable, PartTimeTimetableStep.Reviewed, ProtoEnums.ShortName(request.Decision));
        if (timetable.Status == TimetableStatus.Ended)
        {
            RecordEvent(timetable, PartTimeTimetableStep.Ended, ProtoEnums.ShortName(request.Decision));
        }
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(timetable);
    }

    /// <summary>
    /// The current register as CSV (RFC 4180, a header then one row per pupil on a part-time timetable), identifiers
    /// only: a child's name and contacts stay in Referrals, where the team finds them by the pupil id.
    /// </summary>
    public override async Task ExportPartTimeRegister(Proto.ExportPartTimeRegisterRequest request, IServerStreamWriter<Proto.CsvChunk> responseStream,
        ServerCallContext context)
    {
        var current = await database.PartTimeTimetables.AsNoTracking().Where(t => t.Status == TimetableStatus.Current)
            .OrderBy(t => t.SchoolUrn).ThenBy(t => t.StartDate).ToListAsync(context.CancellationToken);
        await audit.NoteReadsAsync(current.Select(t => (t.PupilId, NamePrefix + t.Id)), context.CancellationToken);
        var today = Today;
        var rows = current.Select(t => new[]
        {
            NamePrefix + t.Id, t.Pupil.Name, t.SchoolUrn, t.Pupil.YearGroup.ToString(CultureInfo.InvariantCulture),
            t.HoursPerWeek.ToString("0.##", CultureInfo.InvariantCulture), t.FullTimeHoursPerWeek.ToString("0.##", CultureInfo.InvariantCulture),
            Iso(t.StartDate), Iso(t.PlannedEnd), Iso(t.NextReviewDue), t.IsReviewOverdueOn(today) ? "true" : "false",
            (today.DayNumber - t.StartDate.DayNumber).ToString(CultureInfo.InvariantCulture),
        });
        string[] header = ["timetable", "pupil", "school_urn", "year_group", "hours_per_week", "full_time_hours_per_week", "start_date",
            "planned_end", "next_review_due", "review_overdue", "days_on_timetable"];
        foreach (var chunk in CsvExport.Chunks(header, rows))
        {
            await responseStream.WriteAsync(new Proto.CsvChunk { Data = chunk }, context.CancellationToken);
        }
    }

    private void RecordEvent(PartTimeTimetable timetable, PartTimeTimetableStep step, string decision) =>
        database.RecordEvent(new PartTimeTimetableChanged
        {
            PartTimeTimetable = NamePrefix + timetable.Id,
            Step = step,
            HoursPerWeek = (double)timetable.HoursPerWeek,
            FullTimeHoursPerWeek = (double)timetable.FullTimeHoursPerWeek,
            StartDate = Iso(timetable.StartDate),
            PlannedEnd = Iso(timetable.PlannedEnd),
            Decision = decision,
            Pupil = timetable.Pupil.ToEvent(),
        }, NamePrefix + timetable.Id, time.GetUtcNow());

    private async Task<PartTimeTimetable> FindAsync(string name, ServerCallContext context, bool tracked)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.PartTimeTimetables : database.PartTimeTimetables.AsNoTracking();
        return await query.VisibleTo(context.GetHttpContext().User).SingleOrDefaultAsync(t => t.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private Proto.PartTimeTimetable ToMessage(PartTimeTimetable timetable)
    {
        var message = new Proto.PartTimeTimetable
        {
            Name = NamePrefix + timetable.Id,
            Pupil = timetable.Pupil.Name,
            SchoolUrn = timetable.SchoolUrn,
            HoursPerWeek = (double)timetable.HoursPerWeek,
            FullTimeHoursPerWeek = (double)timetable.FullTimeHoursPerWeek,
            Reason = timetable.Reason,
            StartDate = timetable.StartDate.ToProtoDate(),
            PlannedEnd = timetable.PlannedEnd.ToProtoDate(),
            ParentsAgreed = true,
            ParentsAgreedOn = timetable.ParentsAgreedOn.ToProtoDate(),
            ReviewEveryDays = timetable.ReviewEveryDays,
            Status = (Proto.PartTimeTimetableStatus)timetable.Status,
            NextReviewDue = timetable.Status == TimetableStatus.Current ? timetable.NextReviewDue.ToProtoDate() : null,
            ReviewOverdue = timetable.IsReviewOverdueOn(Today),
            EndedOn = timetable.EndedOn?.ToProtoDate(),
        };
        message.Reviews.AddRange(timetable.Reviews.Select(r => new Proto.TimetableReview
        {
            ReviewedOn = r.ReviewedOn.ToProtoDate(), Decision = (Proto.TimetableReviewDecision)r.Decision, Notes = r.Notes ?? "",
        }));
        return message;
    }

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
