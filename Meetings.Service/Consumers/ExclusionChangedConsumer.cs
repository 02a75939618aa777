using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.EventBus;
using InclusionServices.Meetings.Meetings;
using InclusionServices.Meetings.Storage;
using InclusionServices.SchoolCalendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InclusionServices.Meetings.Consumers;

public sealed class MeetingsOptions
{
    public const string SectionName = "Meetings";

    /// <summary>
    /// How many school years before a permanent exclusion's own an Exclusion Prevention Meeting may have been held to
    /// count as followed by it: 1 (the default) means the same and the previous school year.
    /// </summary>
    public int FollowedByExclusionSchoolYearsBack { get; set; } = 1;
    /// <summary>How often the watcher looks for actions that have become overdue.</summary>
    public TimeSpan OverdueCheckInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// What Referrals' exclusion steps mean for meetings: a permanent exclusion marks every Exclusion Prevention Meeting
/// held for the pupil before it (within the window) as followed by it, each published for Reporting; an application
/// for an Independent Review Panel becomes a review the team is to attend, with the panel's statutory date.
/// </summary>
public sealed class ExclusionChangedConsumer(MeetingsDatabase database, SchoolCalendarSource calendars, IOptions<MeetingsOptions> options,
    TimeProvider time) : IdempotentConsumer<ExclusionChanged, MeetingsDatabase>(database, time)
{
    protected override bool Concerns(ExclusionChanged changed) =>
        changed.Step is ExclusionStep.PermanentExclusionRecorded or ExclusionStep.IrpRequested;

    protected override async Task ApplyAsync(ExclusionChanged changed, CancellationToken cancellationToken)
    {
        switch (changed.Step)
        {
            case ExclusionStep.PermanentExclusionRecorded:
                await MarkMeetingsFollowedAsync(changed, cancellationToken);
                break;
            case ExclusionStep.IrpRequested:
                await RecordReviewAsync(changed, cancellationToken);
                break;
        }
    }

    private async Task MarkMeetingsFollowedAsync(ExclusionChanged changed, CancellationToken cancellationToken)
    {
        var pupilId = Guid.Parse(changed.Pupil.Pupil.AsSpan("pupils/".Length));
        var exclusionId = Guid.Parse(changed.Exclusion.AsSpan("exclusions/".Length));
        var excludedOn = Date(changed.StartDate);
        var yearsBack = options.Value.FollowedByExclusionSchoolYearsBack;
        var since = SchoolYears.FirstDate(SchoolYears.Of(excludedOn) - yearsBack);
        var candidates = await Database.Meetings
            .Where(m => m.PupilId == pupilId && m.Kind == MeetingKind.ExclusionPreventionMeeting && m.Status == MeetingStatus.Held
                && m.FollowedByExclusionId == null && m.MeetingDate < excludedOn && m.MeetingDate >= since)
            .ToListAsync(cancellationToken);
        foreach (var meeting in candidates.Where(m => m.IsFollowedBy(pupilId, excludedOn, yearsBack)))
        {
            meeting.MarkFollowedBy(exclusionId);
            Database.RecordEvent(new MeetingFollowedByPermanentExclusion
            {
                Meeting = MeetingMapping.NamePrefix + meeting.Id,
                Exclusion = changed.Exclusion,
                MeetingDate = meeting.MeetingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ExcludedOn = changed.StartDate,
                Pupil = meeting.Pupil.ToEvent(),
            }, MeetingMapping.NamePrefix + meeting.Id, Now);
        }
    }

    private async Task RecordReviewAsync(ExclusionChanged changed, CancellationToken cancellationToken)
    {
        var exclusionId = Guid.Parse(changed.Exclusion.AsSpan("exclusions/".Length));
        if (await Database.IrpReviews.AnyAsync(r => r.ExclusionId == exclusionId, cancellationToken))
        {
            return;
        }
        var appliedOn = Date(changed.IrpAppliedOn);
        var schoolUrn = changed.Pupil.SchoolUrn;
        DateOnly? deadline = null;
        string? notCounted = null;
        try
        {
            var report = (await calendars.DeadlinesAsync(Database, cancellationToken)).For(new ExclusionFacts(
                ExclusionKind.PermanentExclusion, Date(changed.StartDate), 2, schoolUrn, IrpApplied: appliedOn));
            deadline = report.Find(DeadlineKind.IrpMeeting)?.Date;
            notCounted = report.Uncounted.FirstOrDefault(u => u.Kind == DeadlineKind.IrpMeeting)?.Reason;
        }
        catch (ArgumentException cannotCount)
        {
            notCounted = cannotCount.Message;
        }
        Database.IrpReviews.Add(IrpReviewDuty.Record(exclusionId, Guid.Parse(changed.Pupil.Pupil.AsSpan("pupils/".Length)),
            schoolUrn, appliedOn, deadline, notCounted));
    }

    private DateTimeOffset Now => Time.GetUtcNow();

    private static DateOnly Date(string iso) => DateOnly.ParseExact(iso, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
