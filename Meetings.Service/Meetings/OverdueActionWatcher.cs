using System.Globalization;
using Inclusion.Events.V1;
using InclusionServices.Meetings.Consumers;
using InclusionServices.Meetings.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InclusionServices.Meetings.Meetings;

/// <summary>
/// Raises MeetingActionOverdue once for each agreed action that passes its due date undone. Several replicas may
/// watch: an action is claimed by a conditional update, so only one reports it.
/// </summary>
public sealed partial class OverdueActionWatcher(IServiceScopeFactory scopes, IOptions<MeetingsOptions> options, TimeProvider time,
    ILogger<OverdueActionWatcher> logger) : BackgroundService
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
            await Task.Delay(options.Value.OverdueCheckInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<MeetingsDatabase>();
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = await database.MeetingActions.AsNoTracking()
            .Where(a => a.CompletedOn == null && a.OverdueReportedAt == null && a.DueDate < today)
            .Select(a => new { a.MeetingId, a.Number, a.DueDate })
            .ToListAsync(cancellationToken);
        foreach (var action in overdue)
        {
            await using var transaction = await database.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await database.MeetingActions
                .Where(a => a.MeetingId == action.MeetingId && a.Number == action.Number && a.OverdueReportedAt == null && a.CompletedOn == null)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.OverdueReportedAt, now), cancellationToken);
            if (claimed == 0)
            {
                continue; // completed meanwhile, or another replica reported it
            }
            var pupil = await database.Meetings.AsNoTracking().Where(m => m.Id == action.MeetingId).Select(m => m.Pupil).SingleAsync(cancellationToken);
            var meeting = MeetingMapping.NamePrefix + action.MeetingId;
            var name = meeting + MeetingMapping.ActionsSegment + action.Number;
            database.RecordEvent(new MeetingActionOverdue
            {
                Action = name,
                Meeting = meeting,
                DueDate = action.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Pupil = pupil.ToEvent(),
            }, name, now);
            await database.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogOverdue(logger, name, action.DueDate);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meeting action {Action} was due {Due} and is not done")]
    private static partial void LogOverdue(ILogger logger, string action, DateOnly due);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking meeting actions for overdue ones failed")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
