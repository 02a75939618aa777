using System.Globalization;

namespace InclusionServices.SchoolCalendar;

/// <summary>A calendar or rules file that cannot be used, with where and why.</summary>
public sealed class ReferenceDataException(string file, int line, string reason)
    : Exception($"{file}:{line}: {reason}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads one school year of the local authority's calendar. The format (docs/school-calendar.md) is one directive a
/// line, '#' starting a comment:
/// <code>
/// school-year 2019/20
/// status published: where the council published them (or stand-in: whose dates stand in; provisional: why none)
/// term autumn 2019-09-03 2019-12-20 half-term 2019-10-28 2019-11-01
/// bank-holiday 2020-05-08 Early May bank holiday (moved for VE Day)
/// inset 2019-09-02
/// </code>
/// </summary>
/// <summary>
/// Where a year's term dates come from: "published" (the council's own), "stand-in" (a neighbouring council's or a
/// school's, where the council's could not be found) or "provisional" (no source at all), each followed by a colon
/// and the source or the reason.
/// </summary>
public static class CalendarStatus
{
    public static readonly IReadOnlyList<string> Kinds = ["published", "stand-in", "provisional"];

    public static bool IsWellFormed(string status) =>
        Kinds.Any(kind => status.StartsWith(kind + ":", StringComparison.Ordinal) && status.Length > kind.Length + 1
            && !string.IsNullOrWhiteSpace(status[(kind.Length + 1)..]));

    /// <summary>"published", "stand-in" or "provisional".</summary>
    public static string KindOf(string status) => status[..status.IndexOf(':', StringComparison.Ordinal)];
}

public static class CalendarFile
{
    public const string Extension = ".calendar";

    public static SchoolYearCalendar Parse(string file, string text)
    {
        int? startYear = null;
        string? status = null;
        var terms = new List<Term>();
        var termLines = new List<int>();
        var bankHolidays = new Dictionary<DateOnly, string>();
        var inset = new HashSet<DateOnly>();
        var insetLines = new List<(DateOnly Date, int Line)>();

        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = StripComment(rawLine);
            if (line.Length == 0)
            {
                continue;
            }
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var reader = new LineReader(file, lineNumber);
            if (startYear is null && words[0] != "school-year")
            {
                throw reader.Error("the file must start with 'school-year YYYY/YY'");
            }
            switch (words[0])
            {
                case "school-year":
                    if (startYear is not null)
                    {
                        throw reader.Error("'school-year' may appear only once");
                    }
                    startYear = reader.SchoolYear(words);
                    var expectedName = $"{startYear}-{(startYear + 1) % 100:00}{Extension}";
                    if (!Path.GetFileName(file).Equals(expectedName, StringComparison.Ordinal))
                    {
                        throw reader.Error($"a calendar for {SchoolYears.Label(startYear.Value)} must be in a file named {expectedName}");
                    }
                    break;
                case "status":
                    status = line["status".Length..].Trim();
                    if (!CalendarStatus.IsWellFormed(status))
                    {
                        throw reader.Error("'status' must be 'published: <source>', 'stand-in: <source>' or 'provisional: <why>'");
                    }
                    break;
                case "term":
                    terms.Add(reader.Term(words, startYear!.Value));
                    termLines.Add(lineNumber);
                    break;
                case "bank-holiday":
                    var holiday = reader.DateIn(words, 1, startYear!.Value);
                    if (words.Length < 3)
                    {
                        throw reader.Error("'bank-holiday' needs a date and a name");
                    }
                    if (!bankHolidays.TryAdd(holiday, string.Join(' ', words[2..])))
                    {
                        throw reader.Error($"{holiday:yyyy-MM-dd} is listed twice");
                    }
                    break;
                case "inset":
                    reader.ExpectWords(words, 2, "'inset' takes one date");
                    var insetDay = reader.DateIn(words, 1, startYear!.Value);
                    if (!inset.Add(insetDay))
                    {
                        throw reader.Error($"{insetDay:yyyy-MM-dd} is listed twice");
                    }
                    insetLines.Add((insetDay, lineNumber));
                    break;
                default:
                    throw reader.Error($"unknown directive '{words[0]}' (expected school-year, status, term, bank-holiday or inset)");
            }
        }

        var end = new LineReader(file, lineNumber);
        if (startYear is null)
        {
            throw end.Error("the file is empty: it must start with 'school-year YYYY/YY'");
        }
        if (terms.Count != 3)
        {
            throw end.Error($"a school year has autumn, spring and summer terms; this file has {terms.Count}");
        }
        if (TermRules.Check(terms, startYear.Value) is [var (index, problem), ..])
        {
            throw new ReferenceDataException(file, termLines[index], problem);
        }
        if (status is null)
        {
            throw end.Error("'status' is missing: say whether the dates are published, a stand-in or provisional, and where they come from");
        }
        foreach (var (date, line) in insetLines)
        {
            if (!terms.Any(t => t.Contains(date) && !t.InHalfTerm(date)) || date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                throw new ReferenceDataException(file, line, $"INSET day {date:yyyy-MM-dd} is not a weekday in term time");
            }
        }
        return new SchoolYearCalendar(startYear.Value, terms, bankHolidays, inset, status);
    }

    /// <summary>Reads every calendar file in a folder; the first invalid one stops the load with its file, line and reason.</summary>
    public static LocalAuthorityCalendar LoadDirectory(string directory) =>
        new(Directory.EnumerateFiles(directory, "*" + Extension)
            .Order(StringComparer.Ordinal)
            .Select(file => Parse(file, File.ReadAllText(file))));

    private static string StripComment(string line)
    {
        var hash = line.IndexOf('#', StringComparison.Ordinal);
        return (hash >= 0 ? line[..hash] : line).Trim();
    }

    private readonly struct LineReader(string file, int line)
    {
        public ReferenceDataException Error(string reason) => new(file, line, reason);

        public void ExpectWords(string[] words, int count, string usage)
        {
            if (words.Length != count)
            {
                throw Error(usage);
            }
        }

        public int SchoolYear(string[] words)
        {
            ExpectWords(words, 2, "'school-year' takes one year, e.g. 2019/20");
            var parts = words[1].Split('/');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                || parts[1] != $"{(start + 1) % 100:00}" || start is < 2000 or > 2100)
            {
                throw Error($"'{words[1]}' is not a school year such as 2019/20");
            }
            return start;
        }

        public DateOnly Date(string text) =>
            DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? date
                : throw Error($"'{text}' is not a date in the form YYYY-MM-DD");

        public DateOnly DateIn(string[] words, int index, int startYear)
        {
            if (words.Length <= index)
            {
                throw Error($"'{words[0]}' needs a date");
            }
            var date = Date(words[index]);
            if (SchoolYears.Of(date) != startYear)
            {
                throw Error($"{date:yyyy-MM-dd} is not in the school year {SchoolYears.Label(startYear)} (1 August to 31 July)");
            }
            return date;
        }

        public Term Term(string[] words, int startYear)
        {
            if (words.Length != 7 || words[4] != "half-term")
            {
                throw Error("usage: term autumn|spring|summer START END half-term START END");
            }
            if (!Enum.TryParse<TermName>(words[1], ignoreCase: true, out var name) || !Enum.IsDefined(name)
                || words[1] != words[1].ToLowerInvariant())
            {
                throw Error($"'{words[1]}' is not a term: autumn, spring or summer");
            }
            return new Term(name, DateIn(words, 2, startYear), DateIn(words, 3, startYear),
                DateIn(words, 5, startYear), DateIn(words, 6, startYear));
        }
    }
}
