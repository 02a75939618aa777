using InclusionServices.EventBus;
using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.CalendarOverrides;
using InclusionServices.Placements.Storage;
using InclusionServices.Placements.Timetables;
using InclusionServices.SchoolCalendar;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InclusionServices.Placements.SixthDay;

public sealed class PlacementsOptions
{
    public const string SectionName = "Placements";

    /// <summary>How often the watcher looks for sixth days passed unmet and timetable reviews passed.</summary>
    public TimeSpan WatchInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Watches the duties Placements holds, on the service's clock: a sixth day that passes without a placement is
/// reported missed once (its day first recounted in the calendar as it now stands), and a part-time timetable whose
/// review date passes without a review is reported overdue once per date. Each report is claimed by a conditional
/// update, so several replicas report each once; one record that cannot be counted does not stop the others.
/// </summary>
public sealed partial class DutyWatcher(IServiceScopeFactory scopes, IOptions<PlacementsOptions> options, TimeProvider time,
    DeadlineMetrics metrics, ILogger<DutyWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckSixthDaysAsync(stoppingToken);
                await CheckTimetableReviewsAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogCheckFailed(logger, exception);
            }
            await Task.Delay(options.Value.WatchInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task CheckSixthDaysAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PlacementsDatabase>();
        var source = scope.ServiceProvider.GetRequiredService<SchoolCalendarSource>();
        var calendar = await source.CalendarAsync(database, cancellationToken);
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var open = await database.SixthDayRequirements.Where(r => r.MetByPlacementId == null && r.MissedReportedAt == null).ToListAsync(cancellationToken);
        foreach (var requirement in open)
        {
            try
            {
                var sixth = source.ReferenceData.Rules.InForceOn(requirement.CountedFrom)["sixth-day-provision"];
                requirement.Recount(calendar.For(requirement.SchoolUrn).NthSchoolDayFrom(requirement.CountedFrom, sixth));
            }
            catch (Exception exception) when (exception is ArgumentException or CalendarNotKnownException)
            {
                LogCannotRecount(logger, exception, requirement.ExclusionId);
            }
        }
        await database.SaveChangesAsync(cancellationToken);

        foreach (var requirement in open.Where(r => r.IsMissedOn(today)))
        {
            await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await database.SixthDayRequirements
                .Where(r => r.ExclusionId == requirement.ExclusionId && r.MissedReportedAt == null && r.MetByPlacementId == null)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.MissedReportedAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }
            database.RecordEvent(new SixthDayProvisionMissed
            {
                Exclusion = "exclusions/" + requirement.ExclusionId,
                Due = requirement.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Holder = requirement.Holder.ToString(),
                Pupil = requirement.Pupil.ToEvent(),
            }, "exclusions/" + requirement.ExclusionId, now);
            await database.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            metrics.Missed("SixthDayProvision", requirement.Holder.ToString());
            LogMissed(logger, requirement.ExclusionId, requirement.Due);
        }
    }

    internal async Task CheckTimetableReviewsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<PlacementsDatabase>();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = await database.PartTimeTimetables.AsNoTracking()
            .Where(t => t.Status == TimetableStatus.Current && t.NextReviewDue < today
                && (t.OverdueReportedFor == null || t.OverdueReportedFor != t.NextReviewDue))
            .Select(t => new { t.Id, t.NextReviewDue })
            .ToListAsync(cancellationToken);
        foreach (var timetable in overdue)
        {
            await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await database.PartTimeTimetables
                .Where(t => t.Id == timetable.Id && t.Status == TimetableStatus.Current && t.NextReviewDue == timetable.NextReviewDue
                    && (t.OverdueReportedFor == null || t.OverdueReportedFor != t.NextReviewDue))
                .ExecuteUpdateAsync(t => t.SetProperty(x => x.OverdueReportedFor, timetable.NextReviewDue), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }
            var pupil = await database.PartTimeTimetables.AsNoTracking().Where(t => t.Id == timetable.Id).Select(t => t.Pupil).SingleAsync(cancellationToken);
            var name = PartTimeTimetablesApi.NamePrefix + timetable.Id;
            database.RecordEvent(new PartTimeTimetableReviewOverdue
            {
                PartTimeTimetable = name,
                ReviewDue = timetable.NextReviewDue.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Pupil = pupil.ToEvent(),
            }, name, now);
            await database.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sixth-day provision for exclusion {ExclusionId} was due {Due} and no placement meets it")]
    private static partial void LogMissed(ILogger logger, Guid exclusionId, DateOnly due);

    [LoggerMessage(Level = LogLevel.Error, Message = "The sixth day of exclusion {ExclusionId} cannot be recounted; the others are still checked")]
    private static partial void LogCannotRecount(ILogger logger, Exception exception, Guid exclusionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking Placements' duties failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
