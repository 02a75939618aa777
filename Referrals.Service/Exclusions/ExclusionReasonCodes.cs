using System.Globalization;
using InclusionServices.SchoolCalendar;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>
/// The census reason codes an exclusion may give, each valid between dates, and how many may be given (one before
/// 2020/21, up to three since). Reference data (Data/exclusion-reason-codes.txt): DfE extends the list.
/// </summary>
public sealed class ExclusionReasonCodes
{
    public const string FileName = "exclusion-reason-codes.txt";
    private readonly List<(string Code, DateOnly From, DateOnly? To, string Description)> _codes = [];
    private readonly List<(DateOnly From, int Count)> _maxReasons = [];

    public static ExclusionReasonCodes Load(string? path = null)
    {
        path ??= Path.Combine(AppContext.BaseDirectory, "Data", FileName);
        var codes = new ExclusionReasonCodes();
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            var line = (raw.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? raw[..hash] : raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            DateOnly Date(string text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? d : throw new ReferenceDataException(path, lineNumber, $"'{text}' is not a date in the form YYYY-MM-DD");
            switch (words[0])
            {
                case "max-reasons" when words.Length == 3 && int.TryParse(words[2], CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= 10:
                    codes._maxReasons.Add((Date(words[1]), count));
                    break;
                case "reason" when words.Length >= 5 && words[1].Length == 2 && words[1].All(char.IsAsciiLetterUpper):
                    codes._codes.Add((words[1], Date(words[2]), words[3] == "-" ? null : Date(words[3]), string.Join(' ', words[4..])));
                    break;
                default:
                    throw new ReferenceDataException(path, lineNumber, "expected 'reason CODE FROM TO|- DESCRIPTION' or 'max-reasons FROM COUNT'");
            }
        }
        if (codes._maxReasons.Count == 0 || codes._codes.Count == 0)
        {
            throw new ReferenceDataException(path, lineNumber, "the file needs at least one 'max-reasons' and one 'reason' line");
        }
        codes._maxReasons.Sort((a, b) => a.From.CompareTo(b.From));
        return codes;
    }

    public bool IsValidOn(string code, DateOnly date) =>
        _codes.Any(c => c.Code == code && c.From <= date && (c.To is null || date <= c.To));

    public int MaxReasonsOn(DateOnly date) => _maxReasons.LastOrDefault(m => m.From <= date).Count is var count and > 0 ? count : 1;
}
