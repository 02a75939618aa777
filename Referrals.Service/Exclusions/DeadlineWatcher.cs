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
    ILogger<DeadlineWatcher> logger) : BackgroundService
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
        var open = await database.Exclusions.AsNoTracking()
            .Where(e => (e.BoardDecision == null && e.StartDate < today) || (e.IrpApplied != null && e.IrpDecision == null))
            .ToListAsync(cancellationToken);
        var openIds = open.Select(e => e.Id).ToList();
        var reported = (await database.MissedDeadlines.AsNoTracking()
                .Where(m => openIds.Contains(m.ExclusionId))
                .Select(m => new { m.ExclusionId, m.Kind })
                .ToListAsync(cancellationToken))
            .Select(m => (m.ExclusionId, m.Kind))
            .ToHashSet();
        foreach (var exclusion in open)
        {
            var due = deadlines.For(exclusion.Facts).Deadlines
                .Where(d => d.Date < today && IsUnmet(d.Kind, exclusion) && !reported.Contains((exclusion.Id, d.Kind)));
            foreach (var deadline in due)
            {
                await ReportAsync(database, exclusion, deadline, cancellationToken);
            }
        }
    }

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

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking statutory deadlines failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
