using InclusionServices.EventBus;
using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Referrals.ReferralCases;
using InclusionServices.Referrals.Storage;
using InclusionServices.SchoolCalendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>A deadline the watcher has reported as missed, so it is reported once.</summary>
public sealed class MissedDeadline
{
    public Guid ExclusionId { get; set; }
    public DeadlineKind Kind { get; set; }
    public DateOnly Due { get; set; }
    public DateTimeOffset NoticedAt { get; set; }
}

public sealed class DeadlineWatcherOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Raises DeadlineMissed when a statutory deadline passes without what it requires being recorded: the governing
/// board's decision (board meeting, reconsideration) or the Independent Review Panel's decision (panel meeting).
/// Several replicas may watch: the missed_deadlines key makes each report happen once.
/// </summary>
public sealed partial class DeadlineWatcher(IServiceScopeFactory scopes, IOptions<DeadlineWatcherOptions> options, TimeProvider time,
    DeadlineMetrics metrics, ILogger<DeadlineWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, exception);
            }
            await Task.Delay(options.Value.Interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<ReferralsDatabase>();
        var deadlines = await scope.ServiceProvider.GetRequiredService<SchoolCalendarSource>().DeadlinesAsync(database, cancellationToken);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var watched = await AwaitingBoard(database, today).ToListAsync(cancellationToken);
        watched.AddRange(await AwaitingPanel(database).ToListAsync(cancellationToken));
        foreach (var exclusion in watched.DistinctBy(e => e.Id))
        {
            // One record that cannot be worked out (its first day no longer a school day, a calendar not loaded)
            // must not stop the others being checked.
            try
            {
                var report = deadlines.For(exclusion.Facts);
                foreach (var deadline in report.Deadlines.Where(d => d.Date < today && IsUnmet(d.Kind, exclusion)))
                {
                    await ReportAsync(database, exclusion, deadline, cancellationToken);
                }
                foreach (var uncounted in report.Uncounted.Where(u => IsUnmet(u.Kind, exclusion)))
                {
                    LogUncounted(logger, uncounted.Kind, exclusion.Id, uncounted.Reason);
                }
            }
            catch (Exception exception) when (exception is ArgumentException or CalendarNotKnownException)
            {
                LogCannotCheck(logger, exception, exclusion.Id);
            }
        }
        await CheckNotificationsAsync(database, deadlines, today, cancellationToken);
    }

    /// <summary>
    /// Notification duties (social worker, Virtual School Head, SEN caseworker) not recorded as met by the end of the
    /// school day after they were due: each is claimed once (several replicas may watch) and published as missed.
    /// </summary>
    internal async Task CheckNotificationsAsync(ReferralsDatabase database, StatutoryDeadlines deadlines, DateOnly today,
        CancellationToken cancellationToken)
    {
        var open = await database.NotificationDuties.AsNoTracking()
            .Where(d => d.ToldOn == null && d.MissedReportedAt == null && d.Due < today)
            .Join(database.Exclusions, d => d.ExclusionId, e => e.Id, (d, e) => new { Duty = d, e.SchoolUrn, e.PupilId })
            .ToListAsync(cancellationToken);
        foreach (var item in open)
        {
            DateOnly lastDay;
            try
            {
                lastDay = item.Duty.LastDay(deadlines.Calendar.For(item.SchoolUrn));
            }
            catch (Exception exception) when (exception is ArgumentException or CalendarNotKnownException)
            {
                LogCannotCheck(logger, exception, item.Duty.ExclusionId);
                continue;
            }
            if (lastDay >= today)
            {
                continue;
            }
            await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await database.NotificationDuties
                .Where(d => d.ExclusionId == item.Duty.ExclusionId && d.Recipient == item.Duty.Recipient && d.MissedReportedAt == null && d.ToldOn == null)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.MissedReportedAt, time.GetUtcNow()), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }
            var deadline = "Notify" + item.Duty.Recipient;
            database.RecordEvent(new DeadlineMissed
            {
                Exclusion = "exclusions/" + item.Duty.ExclusionId,
                Deadline = deadline,
                Due = item.Duty.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Holder = NotificationDuty.Holder,
                Pupil = await ReportAttributes.LoadAsync(database, item.PupilId, item.SchoolUrn, cancellationToken),
            }, "exclusions/" + item.Duty.ExclusionId, time.GetUtcNow());
            await database.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            metrics.Missed(deadline, NotificationDuty.Holder);
        }
    }

    /// <summary>
    /// Exclusions that owe a governing board meeting (by kind and length, fixed when recorded), have begun, and have
    /// neither a decision nor a report of the deadline missed. Each leaves this set once decided or reported, so it
    /// holds roughly the last 50 school days' exclusions that need a board, whatever the history's size; the partial
    /// index ix_exclusions_awaiting_board covers it. No lower date bound: a school may notify an exclusion late.
    /// </summary>
    public static IQueryable<Exclusion> AwaitingBoard(ReferralsDatabase database, DateOnly today) =>
        database.Exclusions.AsNoTracking()
            .Where(e => e.OwesBoardMeeting && e.BoardDecision == null && e.StartDate < today
                && !database.MissedDeadlines.Any(m => m.ExclusionId == e.Id && m.Kind == DeadlineKind.GoverningBoardMeeting));

    /// <summary>Exclusions whose parents applied for a review that has no decision yet, not yet reported missed.</summary>
    public static IQueryable<Exclusion> AwaitingPanel(ReferralsDatabase database) =>
        database.Exclusions.AsNoTracking()
            .Where(e => e.IrpApplied != null && e.IrpDecision == null
                && !database.MissedDeadlines.Any(m => m.ExclusionId == e.Id && m.Kind == DeadlineKind.IrpMeeting));

    private static bool IsUnmet(DeadlineKind kind, Exclusion exclusion) => kind switch
    {
        DeadlineKind.GoverningBoardMeeting => exclusion.BoardDecision is null,
        DeadlineKind.IrpMeeting => exclusion.IrpDecision is null,
        _ => false, // the others are met outside this service (provision, parents' choice) and are not watched here
    };

    private async Task ReportAsync(ReferralsDatabase database, Exclusion exclusion, StatutoryDeadline deadline, CancellationToken cancellationToken)
    {
        database.MissedDeadlines.Add(new MissedDeadline
        {
            ExclusionId = exclusion.Id, Kind = deadline.Kind, Due = deadline.Date, NoticedAt = time.GetUtcNow(),
        });
        database.RecordEvent(new DeadlineMissed
        {
            Exclusion = "exclusions/" + exclusion.Id,
            Deadline = deadline.Kind.ToString(),
            Due = deadline.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Holder = deadline.Holder.ToString(),
            Pupil = await ReportAttributes.LoadAsync(database, exclusion.PupilId, exclusion.SchoolUrn, cancellationToken),
        }, "exclusions/" + exclusion.Id, time.GetUtcNow());
        try
        {
            await database.SaveChangesAsync(cancellationToken);
            metrics.Missed(deadline.Kind.ToString(), deadline.Holder.ToString());
            LogMissed(logger, deadline.Kind, exclusion.Id, deadline.Date);
        }
        catch (DbUpdateException)
        {
            // Another replica reported it first.
            database.ChangeTracker.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory deadline {Kind} for exclusion {ExclusionId} was due {Due} and is unmet")]
    private static partial void LogMissed(ILogger logger, DeadlineKind kind, Guid exclusionId, DateOnly due);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Statutory deadline {Kind} for exclusion {ExclusionId} cannot be counted yet: {Reason}")]
    private static partial void LogUncounted(ILogger logger, DeadlineKind kind, Guid exclusionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The deadlines of exclusion {ExclusionId} cannot be worked out; the others are still checked")]
    private static partial void LogCannotCheck(ILogger logger, Exception exception, Guid exclusionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking statutory deadlines failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
