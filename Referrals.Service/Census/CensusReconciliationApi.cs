using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using ExclusionKind = InclusionServices.SchoolCalendar.ExclusionKind;
using SchoolYears = InclusionServices.SchoolCalendar.SchoolYears;

namespace InclusionServices.Referrals.Census;

/// <summary>gRPC surface of census reconciliation: gathers the upload, reads what is recorded, maps the comparison.</summary>
public sealed class CensusReconciliationApi(ReferralsDatabase database, AuditTrail audit) : Inclusion.Referrals.V1.CensusReconciliation.CensusReconciliationBase
{
    public const int MaxUploadBytes = 20 * 1024 * 1024;

    public override async Task<CensusReconciliationReport> ReconcileCensusReturn(IAsyncStreamReader<CensusReturnChunk> requestStream, ServerCallContext context)
    {
        // Held in memory only for this call: the return is never stored.
        using var upload = new MemoryStream();
        var year = 0;
        await foreach (var chunk in requestStream.ReadAllAsync(context.CancellationToken))
        {
            year = year == 0 ? chunk.SchoolYearStart : year;
            if (upload.Length + chunk.Data.Length > MaxUploadBytes)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"A census return may be at most {MaxUploadBytes / 1024 / 1024} MiB."));
            }
            chunk.Data.WriteTo(upload);
        }
        new RequestValidation().Check(year is >= 2006 and <= 2100, "school_year_start", "must be the school year's start year, e.g. 2025").ThrowIfInvalid();
        upload.Position = 0;
        var rows = CensusReturn.Read(upload);

        var schools = rows.Select(r => r.Urn).Distinct().ToList();
        var recorded = await database.Exclusions.AsNoTracking()
            .Where(e => schools.Contains(e.SchoolUrn) && e.WithdrawnOn == null
                && e.StartDate >= SchoolYears.FirstDate(year) && e.StartDate <= SchoolYears.LastDate(year))
            .Join(database.Pupils, e => e.PupilId, p => p.Id, (e, p) => new { e.Id, p.Upn, e.SchoolUrn, e.StartDate, e.Kind, e.Sessions, e.ReasonCodes, e.PupilId })
            .ToListAsync(context.CancellationToken);
        await audit.NoteReadsAsync(recorded.Select(e => (e.PupilId, "exclusions/" + e.Id)), context.CancellationToken);

        var results = CensusReconciler.Compare(rows,
            [.. recorded.Select(e => new RecordedExclusion(e.Id, e.Upn, e.SchoolUrn, e.StartDate, e.Kind, e.Sessions, e.ReasonCodes))]);
        var report = new CensusReconciliationReport { SchoolYearStart = year, ReturnRows = rows.Count };
        report.Schools.AddRange(results.Select(s => new SchoolReconciliation
        {
            SchoolUrn = s.Urn, ReturnRows = s.ReturnRows, Matched = s.Matched,
            Differences =
            {
                s.Differences.Select(d => new CensusDifference
                {
                    Kind = (CensusDifferenceKind)d.Kind, ReturnRow = d.ReturnRow, Exclusion = d.Exclusion is { } id ? "exclusions/" + id : "", Detail = d.Detail,
                }),
            },
        }));
        return report;
    }
}
