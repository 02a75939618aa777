using System.Globalization;

namespace InclusionServices.SchoolCalendar;

/// <summary>
/// The statutory time limits in force from a date. Limits change with the regulations and guidance, so they are
/// reference data (Data/statutory-time-limits.rules), never literals in code.
/// </summary>
public sealed record RuleSet(DateOnly EffectiveFrom, string Source, IReadOnlyDictionary<string, int> Limits)
{
    /// <summary>Every limit a rule set must state, in school days unless named otherwise.</summary>
    public static readonly IReadOnlyList<string> RequiredLimits =
    [
        "sixth-day-provision",          // provision from this school day of an exclusion
        "day-6-threshold-days",         // a suspension longer than this many school days needs day-6 provision
        "governing-board",              // the board considers reinstatement within this many school days
        "governing-board-threshold-days", // ... for a suspension taking the pupil over this many days in a term
        "representations-threshold-days", // over this many (up to the threshold above): only if parents make representations
        "governing-board-on-representations", // ... within this many school days
        "irp-application",              // parents may apply for an Independent Review Panel within this many school days
        "irp-meeting",                  // the panel meets by this school day after the application
        "board-reconsideration",        // the board reconsiders within this many school days of the panel's decision
        "suspension-cap-days",          // no more than this many school days suspended in a school year
    ];

    public int this[string limit] => Limits[limit];
}

public sealed class StatutoryRules(IReadOnlyList<RuleSet> ruleSets)
{
    public const string FileName = "statutory-time-limits.rules";

    public IReadOnlyList<RuleSet> RuleSets { get; } = ruleSets.OrderBy(r => r.EffectiveFrom).ToList();

    /// <summary>The rule set in force on a date: the latest that took effect on or before it.</summary>
    public RuleSet InForceOn(DateOnly date) =>
        RuleSets.LastOrDefault(r => r.EffectiveFrom <= date)
        ?? throw new InvalidOperationException($"No statutory rule set is in force on {date:yyyy-MM-dd}.");

    /// <summary>
    /// Reads the rules file: 'rule-set YYYY-MM-DD source...' starts a rule set, and each following
    /// 'limit NAME DAYS' line states one limit; every rule set states every limit.
    /// </summary>
    public static StatutoryRules Parse(string file, string text)
    {
        var sets = new List<RuleSet>();
        DateOnly? from = null;
        string source = "";
        Dictionary<string, int>? limits = null;
        var startLine = 0;
        var lineNumber = 0;

        void Finish()
        {
            if (limits is null)
            {
                return;
            }
            var missing = RuleSet.RequiredLimits.Where(l => !limits.ContainsKey(l)).ToList();
            if (missing.Count > 0)
            {
                throw new ReferenceDataException(file, startLine, $"the rule set from {from:yyyy-MM-dd} does not state {string.Join(", ", missing)}");
            }
            if (sets.Count > 0 && sets[^1].EffectiveFrom >= from)
            {
                throw new ReferenceDataException(file, startLine, "rule sets must be listed in order of the date they take effect");
            }
            sets.Add(new RuleSet(from!.Value, source, limits));
        }

        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = (hash >= 0 ? rawLine[..hash] : rawLine).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "rule-set":
                    Finish();
                    if (words.Length < 3 || !DateOnly.TryParseExact(words[1], "yyyy-MM-dd", CultureInfo.InvariantCulture,
                            DateTimeStyles.None, out var effective))
                    {
                        throw new ReferenceDataException(file, lineNumber, "usage: rule-set YYYY-MM-DD where the rules come from");
                    }
                    from = effective;
                    source = string.Join(' ', words[2..]);
                    limits = [];
                    startLine = lineNumber;
                    break;
                case "limit":
                    if (limits is null)
                    {
                        throw new ReferenceDataException(file, lineNumber, "a limit must follow a 'rule-set' line");
                    }
                    if (words.Length != 3 || !int.TryParse(words[2], NumberStyles.None, CultureInfo.InvariantCulture, out var days)
                        || days is < 1 or > 200)
                    {
                        throw new ReferenceDataException(file, lineNumber, "usage: limit NAME DAYS, with DAYS from 1 to 200");
                    }
                    if (!RuleSet.RequiredLimits.Contains(words[1]))
                    {
                        throw new ReferenceDataException(file, lineNumber, $"unknown limit '{words[1]}'");
                    }
                    if (!limits.TryAdd(words[1], days))
                    {
                        throw new ReferenceDataException(file, lineNumber, $"'{words[1]}' is stated twice in this rule set");
                    }
                    break;
                default:
                    throw new ReferenceDataException(file, lineNumber, $"unknown directive '{words[0]}' (expected rule-set or limit)");
            }
        }
        Finish();
        if (sets.Count == 0)
        {
            throw new ReferenceDataException(file, lineNumber, "the file holds no rule set");
        }
        return new StatutoryRules(sets);
    }

    public static StatutoryRules Load(string path) => Parse(path, File.ReadAllText(path));
}
