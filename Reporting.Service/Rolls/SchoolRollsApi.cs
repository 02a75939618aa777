using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Reporting.V1;
using InclusionServices.Reporting.Projections;
using InclusionServices.Reporting.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

namespace InclusionServices.Reporting.Rolls;

/// <summary>gRPC surface of the rolls managers record, which rates per 100 pupils are worked out against.</summary>
public sealed class SchoolRollsApi(ReportingDatabase database, TimeProvider time) : SchoolRolls.SchoolRollsBase
{
    /// <summary>The groups each characteristic may have (ethnicity: DfE codes, checked by their form).</summary>
    private static readonly IReadOnlyDictionary<Characteristic, (string Name, string[]? Groups)> Characteristics =
        new Dictionary<Characteristic, (string, string[]?)>
        {
            [Characteristic.SenStatus] = (ExclusionDimensions.SenStatus, ["NO_SEN", "SEN_SUPPORT", "EHC_PLAN"]),
            [Characteristic.FreeSchoolMeals] = (ExclusionDimensions.FreeSchoolMeals, ["ELIGIBLE", "NOT_ELIGIBLE"]),
            [Characteristic.Sex] = (ExclusionDimensions.Sex, ["F", "M"]),
            [Characteristic.Ethnicity] = (ExclusionDimensions.Ethnicity, null),
        };

    public override async Task<Inclusion.Reporting.V1.SchoolRoll> RecordSchoolRoll(RecordSchoolRollRequest request, ServerCallContext context)
    {
        var roll = Read(request.Roll ?? new Inclusion.Reporting.V1.SchoolRoll());
        roll.RecordedAt = time.GetUtcNow().ToStoredPrecision();
        roll.RecordedBy = InclusionClaims.CallerOf(context.GetHttpContext().User);
        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        // Replaced whole: the groups of the old roll go with it.
        await database.SchoolRolls.Where(r => r.SchoolYearStart == roll.SchoolYearStart && r.SchoolUrn == roll.SchoolUrn)
            .ExecuteDeleteAsync(context.CancellationToken);
        database.SchoolRolls.Add(roll);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return ToMessage(roll);
    }

    public override async Task<ListSchoolRollsResponse> ListSchoolRolls(ListSchoolRollsRequest request, ServerCallContext context)
    {
        new RequestValidation().Check(request.SchoolYearStart is >= Reports.ReportScope.FirstSchoolYear and <= Reports.ReportScope.LastSchoolYear,
            "school_year_start", $"must be a school year from {Reports.ReportScope.FirstSchoolYear}").ThrowIfInvalid();
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var rolls = database.SchoolRolls.AsNoTracking().Include(r => r.Groups).Where(r => r.SchoolYearStart == request.SchoolYearStart);
        if (page.After is { } lastUrn)
        {
            // The local authority's roll (URN "") sorts first; a page token holds the last URN sent.
            rolls = rolls.Where(r => string.Compare(r.SchoolUrn, lastUrn) > 0);
        }
        var fetched = await rolls.OrderBy(r => r.SchoolUrn).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, r => r.SchoolUrn);
        var response = new ListSchoolRollsResponse { NextPageToken = next };
        response.Rolls.AddRange(items.Select(ToMessage));
        return response;
    }

    private static SchoolRoll Read(Inclusion.Reporting.V1.SchoolRoll given)
    {
        var validation = new RequestValidation()
            .Check(given.SchoolUrn.Length == 0 || (given.SchoolUrn.Length == 6 && given.SchoolUrn.All(char.IsAsciiDigit)), "roll.school_urn",
                "must be a school's 6-digit URN, or empty for the local authority's whole roll")
            .Check(given.SchoolYearStart is >= Reports.ReportScope.FirstSchoolYear and <= Reports.ReportScope.LastSchoolYear, "roll.school_year_start",
                $"must be a school year from {Reports.ReportScope.FirstSchoolYear}")
            .Check(given.Pupils is > 0 and <= 1_000_000, "roll.pupils", "must be from 1 to 1,000,000");
        var groups = new List<RollGroup>();
        for (var i = 0; i < given.Groups.Count; i++)
        {
            var group = given.Groups[i];
            var field = $"roll.groups[{i}]";
            if (!Characteristics.TryGetValue(group.Characteristic, out var characteristic))
            {
                validation.Check(false, field + ".characteristic", "must be SEN status, free school meals, sex or ethnicity");
                continue;
            }
            var known = characteristic.Groups is { } allowed
                ? allowed.Contains(group.Group)
                : group.Group == ExclusionDimensions.Unclassified || (group.Group.Length == 4 && group.Group.All(char.IsAsciiLetterUpper));
            validation
                .Check(known, field + ".group", characteristic.Groups is { } names
                    ? $"must be one of {string.Join(", ", names)}"
                    : "must be a DfE ethnicity code (four capital letters, e.g. WBRI) or UNCLASSIFIED")
                .Check(group.Pupils >= 0, field + ".pupils", "must not be negative")
                .Check(!groups.Any(g => g.Characteristic == characteristic.Name && g.GroupValue == group.Group), field, "repeats a group");
            groups.Add(new RollGroup { Characteristic = characteristic.Name, GroupValue = group.Group, Pupils = group.Pupils });
        }
        foreach (var characteristic in groups.GroupBy(g => g.Characteristic))
        {
            var sum = characteristic.Sum(g => (long)g.Pupils);
            validation.Check(sum == given.Pupils, "roll.groups",
                $"the {characteristic.Key} groups add up to {sum.ToString(CultureInfo.InvariantCulture)}, not the roll's {given.Pupils.ToString(CultureInfo.InvariantCulture)} pupils");
        }
        validation.ThrowIfInvalid();
        foreach (var group in groups)
        {
            (group.SchoolYearStart, group.SchoolUrn) = (given.SchoolYearStart, given.SchoolUrn);
        }
        return new SchoolRoll { SchoolYearStart = given.SchoolYearStart, SchoolUrn = given.SchoolUrn, Pupils = given.Pupils, Groups = groups };
    }

    private static Inclusion.Reporting.V1.SchoolRoll ToMessage(SchoolRoll roll)
    {
        var names = Characteristics.ToDictionary(c => c.Value.Name, c => c.Key);
        var message = new Inclusion.Reporting.V1.SchoolRoll
        {
            SchoolUrn = roll.SchoolUrn,
            SchoolYearStart = roll.SchoolYearStart,
            Pupils = roll.Pupils,
            RecordedAt = Timestamp.FromDateTimeOffset(roll.RecordedAt),
            RecordedBy = roll.RecordedBy,
        };
        message.Groups.AddRange(roll.Groups.OrderBy(g => g.Characteristic, StringComparer.Ordinal).ThenBy(g => g.GroupValue, StringComparer.Ordinal)
            .Select(g => new GroupHeadcount { Characteristic = names[g.Characteristic], Group = g.GroupValue, Pupils = g.Pupils }));
        return message;
    }
}
