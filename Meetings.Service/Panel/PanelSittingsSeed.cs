using System.Globalization;
using InclusionServices.Meetings.Storage;
using InclusionServices.SchoolCalendar;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Meetings.Panel;

/// <summary>
/// Loads the shipped ISAP panel sittings (Data/isap-panel-sittings.csv) at start-up: a sitting not yet held for its
/// phase and meeting date is added; one already there is left as managers may have moved it.
/// </summary>
public sealed class PanelSittingsSeed(IServiceScopeFactory scopes, TimeProvider time) : IHostedService
{
    public const string FileName = "isap-panel-sittings.csv";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var sittings = Read(Path.Combine(AppContext.BaseDirectory, "Data", FileName));
        await using var scope = scopes.CreateAsyncScope();
        var database = scope.ServiceProvider.GetRequiredService<MeetingsDatabase>();
        var held = (await database.PanelSittings.Select(s => new { s.Phase, s.MeetingDate }).ToListAsync(cancellationToken))
            .Select(s => (s.Phase, s.MeetingDate)).ToHashSet();
        foreach (var (phase, cutOff, meeting) in sittings.Where(s => !held.Contains((s.Phase, s.Meeting))))
        {
            var sitting = PanelSitting.Schedule(phase, cutOff, meeting);
            database.PanelSittings.Add(sitting);
            PanelSittingsApi.RecordEvent(database, sitting, time.GetUtcNow());
        }
        try
        {
            await database.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (database.ChangeTracker.Entries<PanelSitting>().Any())
        {
            // Another replica starting at the same moment loaded them first.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>phase,cut-off,meeting lines; '#' starts a comment; an invalid line stops start-up with file, line and reason.</summary>
    public static IReadOnlyList<(PanelPhase Phase, DateOnly? CutOff, DateOnly Meeting)> Read(string path)
    {
        var sittings = new List<(PanelPhase, DateOnly?, DateOnly)>();
        var number = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            number++;
            var line = (raw.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0 || line.StartsWith("phase,", StringComparison.Ordinal))
            {
                continue;
            }
            var cells = line.Split(',');
            if (cells.Length != 3 || !Enum.TryParse<PanelPhase>(cells[0], ignoreCase: true, out var phase) || !Enum.IsDefined(phase)
                || !(cells[1].Length == 0 || IsDate(cells[1])) || !IsDate(cells[2]))
            {
                throw new ReferenceDataException(path, number, "expected 'primary|secondary,YYYY-MM-DD or empty,YYYY-MM-DD'");
            }
            DateOnly? cutOff = cells[1].Length == 0 ? null : Date(cells[1]);
            if (!PanelSitting.IsOrderedCorrectly(cutOff, Date(cells[2])))
            {
                throw new ReferenceDataException(path, number, "the cut-off is after the meeting");
            }
            sittings.Add((phase, cutOff, Date(cells[2])));
        }
        return sittings;

        static bool IsDate(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
