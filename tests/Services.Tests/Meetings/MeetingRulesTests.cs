extern alias MeetingsService;

using Inclusion.Events.V1;
using InclusionServices.ServiceDefaults;
using Attendee = MeetingsService::InclusionServices.Meetings.Meetings.Attendee;
using AttendeeKind = MeetingsService::InclusionServices.Meetings.Meetings.AttendeeKind;
using Meeting = MeetingsService::InclusionServices.Meetings.Meetings.Meeting;
using MeetingKind = MeetingsService::InclusionServices.Meetings.Meetings.MeetingKind;
using MeetingOutcome = MeetingsService::InclusionServices.Meetings.Meetings.MeetingOutcome;
using MeetingSlot = MeetingsService::InclusionServices.Meetings.Meetings.MeetingSlot;
using MeetingStatus = MeetingsService::InclusionServices.Meetings.Meetings.MeetingStatus;
using PanelCase = MeetingsService::InclusionServices.Meetings.Panel.PanelCase;
using PanelDecision = MeetingsService::InclusionServices.Meetings.Panel.PanelDecision;
using PanelPhase = MeetingsService::InclusionServices.Meetings.Panel.PanelPhase;
using PanelSchedule = MeetingsService::InclusionServices.Meetings.Panel.PanelSchedule;
using PanelSitting = MeetingsService::InclusionServices.Meetings.Panel.PanelSitting;
using PupilSnapshot = InclusionServices.KnownPupils.PupilSnapshot;

namespace InclusionServices.Tests.Meetings;

/// <summary>The meeting and panel rules on their own, without gRPC, storage or the broker.</summary>
public sealed class MeetingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly PupilSnapshot Pupil = new(Guid.NewGuid(), "100001", SchoolPhase.Secondary, 9, SenStatus.SenSupport, true, "M", "WBRI");

    private static Meeting Scheduled(DateTimeOffset start, MeetingKind kind = MeetingKind.ExclusionPreventionMeeting) =>
        Meeting.Schedule(kind, Pupil, new MeetingSlot(start, 60, "School", false), "officer-1",
            [new Attendee("A Head", AttendeeKind.SchoolStaff, "head teacher", null, true)], null, Now);

    private static Meeting Held(DateTimeOffset start, MeetingKind kind = MeetingKind.ExclusionPreventionMeeting)
    {
        var meeting = Scheduled(start, kind);
        meeting.RecordHeld(meeting.Attendees, [], MeetingOutcome.StaysInSchoolWithSupportPlan, null,
            [("Check in weekly", "SENDCo", DateOnly.FromDateTime(start.UtcDateTime).AddDays(7))], Now);
        return meeting;
    }

    [Fact]
    public void A_meeting_is_held_once_after_it_starts_and_a_held_or_cancelled_one_does_not_move()
    {
        var future = Scheduled(Now.AddDays(1));
        Assert.False(future.Attendees[0].Attended); // invitations are not attendance
        Assert.Throws<PreconditionFailedException>(() => future.RecordHeld([], [], MeetingOutcome.Other, null, [], Now));

        var held = Held(Now.AddHours(-2));
        Assert.Equal(MeetingStatus.Held, held.Status);
        Assert.Throws<PreconditionFailedException>(() => held.Cancel("late"));
        Assert.Throws<PreconditionFailedException>(() => held.Reschedule(new MeetingSlot(Now, 30, null, true), []));

        var cancelled = Scheduled(Now.AddDays(2));
        cancelled.Cancel("The family could not come");
        Assert.Throws<PreconditionFailedException>(() => cancelled.RecordHeld([], [], MeetingOutcome.Other, null, [], Now.AddDays(3)));
    }

    [Fact]
    public void An_action_is_overdue_after_its_due_date_until_done_and_is_done_once()
    {
        var held = Held(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero)); // action due Mon 9 March
        var action = Assert.Single(held.Actions);
        Assert.False(action.IsOverdueOn(new DateOnly(2026, 3, 9)));
        Assert.True(action.IsOverdueOn(new DateOnly(2026, 3, 10)));

        held.CompleteAction(1, new DateOnly(2026, 3, 10));
        Assert.False(action.IsOverdueOn(new DateOnly(2026, 3, 11)));
        Assert.Throws<PreconditionFailedException>(() => held.CompleteAction(1, new DateOnly(2026, 3, 11)));
        Assert.Throws<RecordNotFoundException>(() => held.CompleteAction(2, new DateOnly(2026, 3, 11)));
    }

    [Theory]
    [InlineData(2025, 10, 1, true)]   // held this school year (2025/26), before the exclusion
    [InlineData(2024, 9, 10, true)]   // the previous school year (2024/25)
    [InlineData(2024, 7, 15, false)]  // 2023/24: outside the window
    [InlineData(2025, 11, 3, false)]  // the exclusion's own first day: not before it
    public void A_permanent_exclusion_follows_the_prevention_meetings_held_before_it_in_the_window(int year, int month, int day, bool follows)
    {
        var meeting = Held(new DateTimeOffset(year, month, day, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(follows, meeting.IsFollowedBy(Pupil.PupilId, new DateOnly(2025, 11, 3), schoolYearsBack: 1));
    }

    [Fact]
    public void Only_a_held_exclusion_prevention_meeting_of_the_same_pupil_counts()
    {
        var start = new DateTimeOffset(2025, 10, 1, 9, 0, 0, TimeSpan.Zero);
        Assert.False(Held(start, MeetingKind.TeamAroundTheChild).IsFollowedBy(Pupil.PupilId, new DateOnly(2025, 11, 3), 1));
        Assert.False(Scheduled(start).IsFollowedBy(Pupil.PupilId, new DateOnly(2025, 11, 3), 1));
        Assert.False(Held(start).IsFollowedBy(Guid.NewGuid(), new DateOnly(2025, 11, 3), 1));
    }

    [Fact]
    public void The_day_of_a_meeting_is_the_uk_day()
    {
        // 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        var meeting = Scheduled(new DateTimeOffset(2026, 6, 30, 23, 30, 0, TimeSpan.Zero));
        Assert.Equal(new DateOnly(2026, 7, 1), meeting.MeetingDate);
    }

    [Fact]
    public void A_case_goes_to_the_first_sitting_of_its_phase_with_a_cut_off_on_or_after_submission()
    {
        PanelSitting[] sittings =
        [
            PanelSitting.Schedule(PanelPhase.Secondary, null, new DateOnly(2020, 2, 20)),
            PanelSitting.Schedule(PanelPhase.Secondary, new DateOnly(2020, 3, 13), new DateOnly(2020, 3, 19)),
            PanelSitting.Schedule(PanelPhase.Secondary, new DateOnly(2020, 2, 28), new DateOnly(2020, 3, 5)),
            PanelSitting.Schedule(PanelPhase.Primary, new DateOnly(2020, 3, 2), new DateOnly(2020, 3, 4)),
        ];

        Assert.Equal(new DateOnly(2020, 3, 5), PanelSchedule.SittingFor(sittings, PanelPhase.Secondary, new DateOnly(2020, 2, 1)).MeetingDate);
        Assert.Equal(new DateOnly(2020, 3, 5), PanelSchedule.SittingFor(sittings, PanelPhase.Secondary, new DateOnly(2020, 2, 28)).MeetingDate);
        Assert.Equal(new DateOnly(2020, 3, 19), PanelSchedule.SittingFor(sittings, PanelPhase.Secondary, new DateOnly(2020, 2, 29)).MeetingDate);
        Assert.Equal(new DateOnly(2020, 3, 4), PanelSchedule.SittingFor(sittings, PanelPhase.Primary, new DateOnly(2020, 2, 29)).MeetingDate);
        Assert.Throws<PreconditionFailedException>(() => PanelSchedule.SittingFor(sittings, PanelPhase.Secondary, new DateOnly(2020, 3, 14)));
        Assert.Throws<RequestValidationException>(() => PanelSitting.Schedule(PanelPhase.Primary, new DateOnly(2020, 3, 5), new DateOnly(2020, 3, 4)));
    }

    [Fact]
    public void A_case_is_decided_once()
    {
        var panelCase = PanelCase.Submit("meetings/x", Pupil, new DateOnly(2020, 3, 1),
            [PanelSitting.Schedule(PanelPhase.Secondary, new DateOnly(2020, 3, 13), new DateOnly(2020, 3, 19))]);
        Assert.Equal(PanelPhase.Secondary, panelCase.Phase);

        panelCase.Decide(PanelDecision.ManagedMove, null);
        Assert.Throws<PreconditionFailedException>(() => panelCase.Decide(PanelDecision.NoAction, null));
    }
}
