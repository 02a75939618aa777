using InclusionServices.KnownPupils;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Meetings.Meetings;

public enum MeetingKind
{
    ExclusionPreventionMeeting = 1,
    TeamAroundTheChild = 2,
    IndependentReviewPanel = 3,
    InterimProvisionReview = 4,
    ReviewConference = 5,
    ReintegrationMeeting = 6,
}

public enum MeetingStatus
{
    Scheduled = 1,
    Held = 2,
    Cancelled = 3,
}

public enum AttendeeKind
{
    SchoolStaff = 1,
    ParentOrCarer = 2,
    Pupil = 3,
    InclusionOfficer = 4,
    Professional = 5,
}

/// <summary>The team's four questions, and the pupil's and family's voices.</summary>
public enum ContributionSection
{
    WhatIsWorkingWell = 1,
    WhatCouldExplainThisBehaviour = 2,
    WhatElseCanWeDo = 3,
    HaveWeDoneEverythingWeCan = 4,
    PupilsVoice = 5,
    FamilysVoice = 6,
}

public enum MeetingOutcome
{
    StaysInSchoolWithSupportPlan = 1,
    ManagedMove = 2,
    PreventativePlacement = 3,
    ReferredToIsapPanel = 4,
    PermanentExclusion = 5,
    Other = 6,
}

public sealed record Attendee(string FullName, AttendeeKind Kind, string? Role, string? Organisation, bool Attended);

/// <summary>What someone said under one of the sections; another agency may mark its contribution confidential.</summary>
public sealed record Contribution(ContributionSection Section, string Text, string? Contributor, bool Confidential);

/// <summary>Where and when a meeting is: a place, or online.</summary>
public sealed record MeetingSlot(DateTimeOffset StartTime, int DurationMinutes, string? Location, bool Online);

/// <summary>Something agreed at a meeting, with who does it and by when.</summary>
public sealed class MeetingAction
{
    private MeetingAction() { }

    public Guid MeetingId { get; private set; }
    /// <summary>1, 2, 3... within the meeting: meetings/{meeting}/actions/{number}.</summary>
    public int Number { get; private set; }
    public string Description { get; private set; } = "";
    public string Owner { get; private set; } = "";
    public DateOnly DueDate { get; private set; }
    public DateOnly? CompletedOn { get; private set; }
    /// <summary>When the watcher reported it overdue: it is reported once.</summary>
    public DateTimeOffset? OverdueReportedAt { get; private set; }

    internal static MeetingAction Agree(Guid meetingId, int number, string description, string owner, DateOnly dueDate) =>
        new() { MeetingId = meetingId, Number = number, Description = description, Owner = owner, DueDate = dueDate };

    public bool IsOverdueOn(DateOnly today) => CompletedOn is null && DueDate < today;

    internal void Complete(DateOnly on)
    {
        if (CompletedOn is not null)
        {
            throw new PreconditionFailedException("This action is already complete.");
        }
        CompletedOn = on;
    }
}

/// <summary>
/// A meeting the team holds or attends about one pupil: scheduled, then held (with attendance, contributions, an
/// outcome and actions) or cancelled. An Exclusion Prevention Meeting later followed by the pupil's permanent
/// exclusion is marked so, for the team's headline figure.
/// </summary>
public sealed class Meeting : IBelongsToSchool
{
    public const int MaxAttendees = 30;
    private readonly List<MeetingAction> _actions = [];

    private Meeting() { }

    public Guid Id { get; private set; }
    public MeetingKind Kind { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public PupilSnapshot Pupil { get; private set; } = null!;
    public MeetingSlot Slot { get; private set; } = null!;
    /// <summary>The day of the meeting in the UK, which every date rule compares.</summary>
    public DateOnly MeetingDate { get; private set; }
    public string LeadOfficer { get; private set; } = "";
    public List<Attendee> Attendees { get; private set; } = [];
    public MeetingStatus Status { get; private set; }
    public string? CancelReason { get; private set; }
    public List<Contribution> Contributions { get; private set; } = [];
    public MeetingOutcome? Outcome { get; private set; }
    public string? OutcomeDetails { get; private set; }
    public IReadOnlyList<MeetingAction> Actions => _actions;
    /// <summary>For an Independent Review Panel meeting: the exclusion under review and the panel's statutory date.</summary>
    public Guid? ExclusionId { get; private set; }
    public DateOnly? StatutoryDeadline { get; private set; }
    public Guid? FollowedByExclusionId { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public uint Version { get; private set; }

    public bool FollowedByPermanentExclusion => FollowedByExclusionId is not null;
    public bool AfterStatutoryDeadline => StatutoryDeadline is { } deadline && MeetingDate > deadline;

    public static Meeting Schedule(MeetingKind kind, PupilSnapshot pupil, MeetingSlot slot, string leadOfficer, IEnumerable<Attendee> attendees,
        IrpReviewDuty? review, DateTimeOffset now)
    {
        if ((kind == MeetingKind.IndependentReviewPanel) != (review is not null))
        {
            throw new PreconditionFailedException(kind == MeetingKind.IndependentReviewPanel
                ? "An Independent Review Panel meeting is for an exclusion whose review Referrals has reported."
                : "Only an Independent Review Panel meeting is set for an exclusion under review.");
        }
        if (review is not null && review.PupilId != pupil.PupilId)
        {
            throw new PreconditionFailedException("The exclusion under review is another pupil's.");
        }
        var meeting = new Meeting
        {
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            PupilId = pupil.PupilId,
            SchoolUrn = pupil.SchoolUrn,
            Pupil = pupil,
            LeadOfficer = leadOfficer,
            Attendees = [.. attendees.Select(a => a with { Attended = false })],
            Status = MeetingStatus.Scheduled,
            ExclusionId = review?.ExclusionId,
            StatutoryDeadline = review?.PanelDeadline,
            CreatedAt = now.ToStoredPrecision(),
        };
        meeting.Move(slot);
        return meeting;
    }

    public void Reschedule(MeetingSlot slot, IEnumerable<Attendee> attendees)
    {
        RequireStatus(MeetingStatus.Scheduled, "rescheduled");
        Move(slot);
        Attendees = [.. attendees.Select(a => a with { Attended = false })];
    }

    public void Cancel(string reason)
    {
        RequireStatus(MeetingStatus.Scheduled, "cancelled");
        Status = MeetingStatus.Cancelled;
        CancelReason = reason;
    }

    /// <summary>Records that the meeting took place; a meeting cannot be held before it starts.</summary>
    public void RecordHeld(IEnumerable<Attendee> attendees, IEnumerable<Contribution> contributions, MeetingOutcome outcome,
        string? outcomeDetails, IEnumerable<(string Description, string Owner, DateOnly DueDate)> actions, DateTimeOffset now)
    {
        RequireStatus(MeetingStatus.Scheduled, "recorded as held");
        if (Slot.StartTime > now)
        {
            throw new PreconditionFailedException("A meeting cannot be recorded as held before it starts.");
        }
        Attendees = [.. attendees];
        Contributions = [.. contributions];
        Outcome = outcome;
        OutcomeDetails = outcomeDetails;
        foreach (var (description, owner, dueDate) in actions)
        {
            _actions.Add(MeetingAction.Agree(Id, _actions.Count + 1, description, owner, dueDate));
        }
        Status = MeetingStatus.Held;
    }

    public void CompleteAction(int number, DateOnly on)
    {
        var action = _actions.SingleOrDefault(a => a.Number == number)
            ?? throw new RecordNotFoundException($"meetings/{Id}/actions/{number}");
        action.Complete(on);
    }

    /// <summary>
    /// Whether this meeting counts as one that a permanent exclusion followed: an Exclusion Prevention Meeting held
    /// for the pupil before the exclusion's first day, within the window (this school year and the given number
    /// before it).
    /// </summary>
    public bool IsFollowedBy(Guid pupilId, DateOnly excludedOn, int schoolYearsBack) =>
        Kind == MeetingKind.ExclusionPreventionMeeting && Status == MeetingStatus.Held && PupilId == pupilId
        && FollowedByExclusionId is null && MeetingDate < excludedOn
        && MeetingDate >= SchoolYears.FirstDate(SchoolYears.Of(excludedOn) - schoolYearsBack);

    public void MarkFollowedBy(Guid exclusionId) => FollowedByExclusionId = exclusionId;

    private void Move(MeetingSlot slot)
    {
        Slot = slot;
        MeetingDate = UkDates.DateOf(slot.StartTime);
    }

    private void RequireStatus(MeetingStatus expected, string what)
    {
        if (Status != expected)
        {
            throw new PreconditionFailedException(
                $"A meeting that is {Status.ToString().ToLowerInvariant()} cannot be {what}.");
        }
    }
}

/// <summary>An exclusion whose Independent Review Panel the team is to attend, as Meetings learned of it from Referrals.</summary>
public sealed class IrpReviewDuty
{
    private IrpReviewDuty() { }

    public Guid ExclusionId { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public DateOnly AppliedOn { get; private set; }
    /// <summary>15 school days after the application; null (with the reason) when the calendar for it is not loaded.</summary>
    public DateOnly? PanelDeadline { get; private set; }
    public string? DeadlineNotCountedReason { get; private set; }
    public Guid? MeetingId { get; set; }

    public static IrpReviewDuty Record(Guid exclusionId, Guid pupilId, string schoolUrn, DateOnly appliedOn, DateOnly? deadline, string? notCounted) =>
        new()
        {
            ExclusionId = exclusionId, PupilId = pupilId, SchoolUrn = schoolUrn, AppliedOn = appliedOn,
            PanelDeadline = deadline, DeadlineNotCountedReason = notCounted,
        };
}

/// <summary>Meeting times are instants; the rules compare days as they are in the UK.</summary>
public static class UkDates
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, London).DateTime);
}
