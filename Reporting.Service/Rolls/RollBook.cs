using InclusionServices.Reporting.ReadModel;
using InclusionServices.Reporting.Storage;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Rolls;

/// <summary>
/// The rolls recorded for one school year, and the headcount of any part of the authority: the local authority's own
/// roll for the whole authority where a manager recorded one, else the sum of the rolls of every school in the part,
/// which is known only when every one of those schools has its roll recorded (a partial sum would inflate rates).
/// </summary>
public sealed class RollBook
{
    private readonly IReadOnlyDictionary<string, SchoolRoll> _rolls;
    private readonly IReadOnlyList<ReportingSchool> _schools;

    private RollBook(IReadOnlyDictionary<string, SchoolRoll> rolls, IReadOnlyList<ReportingSchool> schools)
    {
        _rolls = rolls;
        _schools = schools;
    }

    /// <summary>The year's rolls; by characteristic too where <paramref name="byCharacteristic"/> (disproportionality).</summary>
    public static async Task<RollBook> LoadAsync(ReportingDatabase database, int year, bool byCharacteristic, CancellationToken cancellationToken)
    {
        var query = database.SchoolRolls.AsNoTracking().Where(r => r.SchoolYearStart == year);
        var rolls = await (byCharacteristic ? query.Include(r => r.Groups) : query).ToDictionaryAsync(r => r.SchoolUrn, cancellationToken);
        var schools = await database.Schools.AsNoTracking().ToListAsync(cancellationToken);
        return new RollBook(rolls, schools);
    }

    /// <summary>Pupils on roll in the part (one school, a phase group, or everywhere); null when not known.</summary>
    public double? Headcount(string? schoolUrn, ReportPhase? phase) =>
        Sum(schoolUrn, phase, roll => roll.Pupils);

    /// <summary>Pupils on roll in one group of a characteristic, in the part; null when not known.</summary>
    public double? Headcount(string? schoolUrn, ReportPhase? phase, string characteristic, string group) =>
        Sum(schoolUrn, phase, roll => roll.Groups.Any(g => g.Characteristic == characteristic)
            ? roll.Groups.Where(g => g.Characteristic == characteristic && g.GroupValue == group).Sum(g => g.Pupils)
            : null);

    /// <summary>The groups of a characteristic any roll in the part records.</summary>
    public IEnumerable<string> GroupsOf(string characteristic) =>
        _rolls.Values.SelectMany(r => r.Groups).Where(g => g.Characteristic == characteristic).Select(g => g.GroupValue).Distinct();

    private double? Sum(string? schoolUrn, ReportPhase? phase, Func<SchoolRoll, int?> measure)
    {
        if (schoolUrn is not null)
        {
            return _rolls.TryGetValue(schoolUrn, out var own) ? measure(own) : null;
        }
        if (phase is null && _rolls.TryGetValue(SchoolRoll.LocalAuthority, out var authority) && measure(authority) is { } whole)
        {
            return whole;
        }
        var schools = _schools.Where(s => phase is null || s.Phase == phase).ToList();
        if (schools.Count == 0)
        {
            return null;
        }
        double total = 0;
        foreach (var school in schools)
        {
            if (!_rolls.TryGetValue(school.Urn, out var roll) || measure(roll) is not { } pupils)
            {
                return null;
            }
            total += pupils;
        }
        return total;
    }
}
