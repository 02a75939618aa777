using InclusionServices.KnownPupils;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Placements.Timetables;

public enum TimetableStatus
{
    Current = 1,
    Ended = 2,
}

public enum TimetableReviewDecision
{
    Extend = 1,
    IncreaseHours = 2,
    ReturnToFullTime = 3,
    End = 4,
}

public sealed record TimetableReview(DateOnly ReviewedOn, TimetableReviewDecision Decision, string? Notes);

/// <summary>
/// A pupil on a reduced timetable (the team's Specialised Personalised Learning Plan). DfE attendance guidance: only
/// in exceptional circumstances, time-limited, with the parents' agreement and agreed review dates; a pupil on one is
/// at risk of missing education, so the council tracks every one.
/// </summary>
public sealed class PartTimeTimetable : IBelongsToSchool
{
    public const decimal DefaultFullTimeHours = 25;
    public const int DefaultReviewEveryDays = 14;

    private PartTimeTimetable() { }

    public Guid Id { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public PupilSnapshot Pupil { get; private set; } = null!;
    public decimal HoursPerWeek { get; private set; }
    public decimal FullTimeHoursPerWeek { get; private set; }
    public string Reason { get; private set; } = "";
    public DateOnly StartDate { get; private set; }
    public DateOnly PlannedEnd { get; private set; }
    public DateOnly ParentsAgreedOn { get; private set; }
    public int ReviewEveryDays { get; private set; }
    public TimetableStatus Status { get; private set; }
    public DateOnly NextReviewDue { get; private set; }
    public List<TimetableReview> Reviews { get; private set; } = [];
    public DateOnly? EndedOn { get; private set; }
    /// <summary>The review date last reported overdue: each missed date is reported once.</summary>
    public DateOnly? OverdueReportedFor { get; private set; }

    public static PartTimeTimetable Record(PupilSnapshot pupil, decimal hours, decimal fullTimeHours, string reason, DateOnly start, DateOnly plannedEnd,
        DateOnly parentsAgreedOn, int reviewEveryDays)
    {
        var violations = new List<FieldViolation>();
        if (hours <= 0 || hours >= fullTimeHours)
        {
            violations.Add(new FieldViolation("part_time_timetable.hours_per_week", "must be more than 0 and less than the full-time week"));
        }
        if (plannedEnd <= start)
        {
            violations.Add(new FieldViolation("part_time_timetable.planned_end", "must be after the start: a part-time timetable is time-limited"));
        }
        if (reviewEveryDays is < 1 or > 28)
        {
            violations.Add(new FieldViolation("part_time_timetable.review_every_days", "must be from 1 to 28"));
        }
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }
        return new PartTimeTimetable
        {
            Id = Guid.CreateVersion7(), PupilId = pupil.PupilId, SchoolUrn = pupil.SchoolUrn, Pupil = pupil, HoursPerWeek = hours,
            FullTimeHoursPerWeek = fullTimeHours, Reason = reason, StartDate = start, PlannedEnd = plannedEnd, ParentsAgreedOn = parentsAgreedOn,
            ReviewEveryDays = reviewEveryDays, Status = TimetableStatus.Current, NextReviewDue = start.AddDays(reviewEveryDays),
        };
    }

    public bool IsReviewOverdueOn(DateOnly today) => Status == TimetableStatus.Current && NextReviewDue < today;

    public void Review(DateOnly reviewedOn, TimetableReviewDecision decision, DateOnly? newPlannedEnd, decimal? newHours, string? notes)
    {
        if (Status != TimetableStatus.Current)
        {
            throw new PreconditionFailedException("An ended part-time timetable cannot be reviewed.");
        }
        if (reviewedOn < StartDate)
        {
            throw new PreconditionFailedException("A timetable cannot be reviewed before it started.");
        }
        switch (decision)
        {
            case TimetableReviewDecision.Extend:
                PlannedEnd = newPlannedEnd is { } end && end > PlannedEnd && end > reviewedOn ? end
                    : throw new RequestValidationException([new FieldViolation("new_planned_end", "must be later than the current planned end and the review")]);
                break;
            case TimetableReviewDecision.IncreaseHours:
                HoursPerWeek = newHours is { } hours && hours > HoursPerWeek && hours < FullTimeHoursPerWeek ? hours
                    : throw new RequestValidationException([new FieldViolation("new_hours_per_week", "must be more than now and less than the full-time week")]);
                break;
            case TimetableReviewDecision.ReturnToFullTime:
            case TimetableReviewDecision.End:
                Status = TimetableStatus.Ended;
                EndedOn = reviewedOn;
                break;
        }
        Reviews.Add(new TimetableReview(reviewedOn, decision, notes));
        NextReviewDue = reviewedOn.AddDays(ReviewEveryDays);
    }

    /// <summary>Claims a missed review date for reporting: true once per date.</summary>
    public bool ReportOverdue(DateOnly today)
    {
        if (!IsReviewOverdueOn(today) || OverdueReportedFor == NextReviewDue)
        {
            return false;
        }
        OverdueReportedFor = NextReviewDue;
        return true;
    }
}
