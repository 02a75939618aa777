using System.Globalization;
using CsvHelper;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Census;

/// <summary>One data row of a school census exclusions return.</summary>
public sealed record CensusRow(int Row, string Urn, string Upn, DateOnly StartDate, ExclusionKind Kind, int Sessions, IReadOnlyList<string> Reasons);

/// <summary>
/// Reads a census exclusions return (CSV with the DfE's field names) into rows, or names every row at fault. Nothing
/// read is kept beyond the reconciliation it serves.
/// </summary>
public static class CensusReturn
{
    public const int MaxRows = 100_000;
    private const int MaxProblemsNamed = 20;
    private static readonly string[] Required = ["URN", "UPN", "ExclusionStartDate", "ExclusionCategory", "ExclusionSessions", "ExclusionReason1"];

    /// <summary>The census's exclusion categories.</summary>
    public static ExclusionKind? KindOf(string category) => category.Trim().ToUpperInvariant() switch
    {
        "FIXD" => ExclusionKind.Suspension,
        "LNCH" => ExclusionKind.LunchtimeSuspension,
        "PERM" => ExclusionKind.PermanentExclusion,
        _ => null,
    };

    public static string CategoryOf(ExclusionKind kind) => kind switch
    {
        ExclusionKind.Suspension => "FIXD",
        ExclusionKind.LunchtimeSuspension => "LNCH",
        _ => "PERM",
    };

    public static IReadOnlyList<CensusRow> Read(Stream csv)
    {
        using var parser = CsvReader.Create(csv, new CsvReaderOptions { TrimWhitespace = true, MaxRecordSize = 64 * 1024 }, true);
        parser.ReadHeader();
        var header = parser.Headers.ToArray();
        if (header.Length == 0)
        {
            throw Invalid(["the return is empty: a header row and data rows are expected"]);
        }
        var missing = Required.Where(name => !header.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (missing.Count > 0)
        {
            throw Invalid([$"the header lacks {string.Join(", ", missing)}"]);
        }
        string Field(string name) => parser.TryGetFieldIndex(name, out var index) ? parser.GetString(index) : "";

        var rows = new List<CensusRow>();
        var problems = new List<string>();
        for (var row = 1; parser.Read(); row++)
        {
            if (row > MaxRows)
            {
                throw Invalid([$"the return has more than {MaxRows} rows"]);
            }
            var (urn, upn, start, category, sessions) = (Field("URN"), Field("UPN").ToUpperInvariant(), Field("ExclusionStartDate"),
                Field("ExclusionCategory"), Field("ExclusionSessions"));
            var reasons = new[] { Field("ExclusionReason1"), Field("ExclusionReason2"), Field("ExclusionReason3") }
                .Select(r => r.ToUpperInvariant()).Where(r => r.Length > 0).ToList();
            var problem = (urn.Length == 6 && urn.All(char.IsAsciiDigit), upn.Length == 13,
                    DateOnly.TryParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startDate),
                    KindOf(category), int.TryParse(sessions, NumberStyles.None, CultureInfo.InvariantCulture, out var count), reasons.Count) switch
                {
                    (false, _, _, _, _, _) => "URN must be 6 digits",
                    (_, false, _, _, _, _) => "UPN must be 13 characters",
                    (_, _, false, _, _, _) => "ExclusionStartDate must be YYYY-MM-DD",
                    (_, _, _, null, _, _) => "ExclusionCategory must be FIXD, LNCH or PERM",
                    (_, _, _, _, false, _) => "ExclusionSessions must be a whole number",
                    (_, _, _, _, _, 0) => "ExclusionReason1 is required",
                    _ => null,
                };
            if (problem is not null)
            {
                problems.Add($"row {row}: {problem}");
                continue;
            }
            rows.Add(new CensusRow(row, urn, upn, startDate, KindOf(category)!.Value, count, reasons));
        }
        if (problems.Count > 0)
        {
            throw Invalid([.. problems.Take(MaxProblemsNamed), .. problems.Count > MaxProblemsNamed ? [$"and {problems.Count - MaxProblemsNamed} more rows"] : Array.Empty<string>()]);
        }
        return rows;
    }

    private static RequestValidationException Invalid(IEnumerable<string> problems) =>
        new([.. problems.Select(p => new FieldViolation("data", p))]);
}
