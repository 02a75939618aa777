namespace InclusionServices.SchoolCalendar;

/// <summary>The calendar files and statutory rules the suite ships, read and checked at start-up.</summary>
public sealed record ReferenceData(LocalAuthorityCalendar Calendar, StatutoryRules Rules)
{
    /// <summary>Where the shipped data is copied beside a program that uses this library.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "SchoolCalendarData");

    /// <summary>
    /// Reads every calendar file under {directory}/wolverhampton and the rules file; an invalid file stops the
    /// load with a <see cref="ReferenceDataException"/> naming the file, line and reason.
    /// </summary>
    public static ReferenceData Load(string? directory = null)
    {
        directory ??= ShippedDirectory;
        return new ReferenceData(
            CalendarFile.LoadDirectory(Path.Combine(directory, "wolverhampton")),
            StatutoryRules.Load(Path.Combine(directory, StatutoryRules.FileName)));
    }

    public StatutoryDeadlines Deadlines => new(Calendar, Rules);
}
