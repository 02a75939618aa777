using InclusionServices.SchoolCalendar;

namespace InclusionServices.Referrals.Census;

/// <summary>An exclusion recorded here, as the reconciliation compares it (not withdrawn).</summary>
public sealed record RecordedExclusion(Guid Id, string Upn, string SchoolUrn, DateOnly StartDate, ExclusionKind Kind, int Sessions, IReadOnlyList<string> Reasons);

public enum DifferenceKind
{
    InReturnOnly = 1,
    RecordedOnly = 2,
    CategoryDiffers = 3,
    SessionsDiffer = 4,
    ReasonsDiffer = 5,
}

public sealed record Difference(DifferenceKind Kind, int ReturnRow, Guid? Exclusion, string Detail);

public sealed record SchoolResult(string Urn, int ReturnRows, int Matched, IReadOnlyList<Difference> Differences);

/// <summary>
/// Matches a return's rows to recorded exclusions by pupil (UPN) and first day, then compares category, length and
/// reasons. Exclusions recorded for schools that are not in the return are left out: a return speaks for its schools.
/// A permanent exclusion's sessions are not compared (the census counts them differently by term).
/// </summary>
public static class CensusReconciler
{
    public static IReadOnlyList<SchoolResult> Compare(IReadOnlyList<CensusRow> rows, IReadOnlyList<RecordedExclusion> recorded)
    {
        var unmatched = recorded.ToList();
        var bySchool = new Dictionary<string, (int Rows, int Matched, List<Difference> Differences)>();
        foreach (var row in rows)
        {
            var school = bySchool.TryGetValue(row.Urn, out var found) ? found : (Rows: 0, Matched: 0, Differences: new List<Difference>());
            school.Rows++;
            var match = unmatched.FirstOrDefault(r => r.Upn == row.Upn && r.StartDate == row.StartDate);
            if (match is null)
            {
                school.Differences.Add(new Difference(DifferenceKind.InReturnOnly, row.Row, null,
                    $"{CensusReturn.CategoryOf(row.Kind)} from {row.StartDate:yyyy-MM-dd}, {row.Sessions} sessions"));
            }
            else
            {
                unmatched.Remove(match);
                var differences = Differences(row, match).ToList();
                school.Differences.AddRange(differences);
                school.Matched += differences.Count == 0 ? 1 : 0;
            }
            bySchool[row.Urn] = school;
        }
        foreach (var missing in unmatched.Where(r => bySchool.ContainsKey(r.SchoolUrn)))
        {
            bySchool[missing.SchoolUrn].Differences.Add(new Difference(DifferenceKind.RecordedOnly, 0, missing.Id,
                $"{CensusReturn.CategoryOf(missing.Kind)} from {missing.StartDate:yyyy-MM-dd}, {missing.Sessions} sessions"));
        }
        return [.. bySchool.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new SchoolResult(s.Key, s.Value.Rows, s.Value.Matched, s.Value.Differences))];
    }

    private static IEnumerable<Difference> Differences(CensusRow row, RecordedExclusion recorded)
    {
        if (row.Kind != recorded.Kind)
        {
            yield return new Difference(DifferenceKind.CategoryDiffers, row.Row, recorded.Id,
                $"return {CensusReturn.CategoryOf(row.Kind)}, recorded {CensusReturn.CategoryOf(recorded.Kind)}");
        }
        else if (row.Kind != ExclusionKind.PermanentExclusion && row.Sessions != recorded.Sessions)
        {
            yield return new Difference(DifferenceKind.SessionsDiffer, row.Row, recorded.Id, $"return {row.Sessions} sessions, recorded {recorded.Sessions}");
        }
        if (!row.Reasons.Order(StringComparer.Ordinal).SequenceEqual(recorded.Reasons.Order(StringComparer.Ordinal)))
        {
            yield return new Difference(DifferenceKind.ReasonsDiffer, row.Row, recorded.Id,
                $"return {string.Join(" ", row.Reasons)}, recorded {string.Join(" ", recorded.Reasons)}");
        }
    }
}
