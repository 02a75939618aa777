using System.Text;
using Google.Protobuf;
using Google.Type;
using Grpc.Core;
using Inclusion.Referrals.V1;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;

namespace InclusionServices.Tests.Referrals;

/// <summary>A school census exclusions return reconciled with what the school told the council, streamed in chunks.</summary>
public sealed class CensusReconciliationTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string School = "604401";
    private readonly CensusReconciliation.CensusReconciliationClient _census = new(service.Channel);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, School);

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(string Upn, string Exclusion)> RecordAsync(int serial, ExclusionKind kind, Date start, int sessions, string reason)
    {
        var pupil = await NewPupilAsync(service.Channel, School, serial, upnPrefix: "80120066");
        var exclusion = await new Exclusions.ExclusionsClient(service.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = kind, StartDate = start, Sessions = sessions, ReasonCodes = { reason } },
        }, Officer);
        return (pupil.Upn, exclusion.Name);
    }

    private async Task<CensusReconciliationReport> ReconcileAsync(int year, string csv, int chunkSize = 64)
    {
        using var call = _census.ReconcileCensusReturn(Officer);
        var bytes = Encoding.UTF8.GetBytes(csv);
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await call.RequestStream.WriteAsync(new CensusReturnChunk
            {
                SchoolYearStart = year, Data = ByteString.CopyFrom(bytes, offset, Math.Min(chunkSize, bytes.Length - offset)),
            });
        }
        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    [Fact]
    public async Task A_small_return_with_one_of_each_difference_is_reconciled_by_school_with_identifiers_only()
    {
        var same = await RecordAsync(1, ExclusionKind.Suspension, On(2025, 11, 3), 4, "DB");
        var category = await RecordAsync(2, ExclusionKind.Suspension, On(2025, 11, 4), 2, "DB");
        var length = await RecordAsync(3, ExclusionKind.Suspension, On(2025, 11, 5), 4, "DB");
        var reasons = await RecordAsync(4, ExclusionKind.Suspension, On(2025, 11, 6), 2, "DB");
        var unreturned = await RecordAsync(5, ExclusionKind.Suspension, On(2025, 11, 7), 2, "DB");
        var unknownUpn = Upn(9, "80120066");
        var csv = $"""
            URN,UPN,ExclusionStartDate,ExclusionCategory,ExclusionSessions,ExclusionReason1,ExclusionReason2
            {School},{same.Upn},2025-11-03,FIXD,4,DB,
            {School},{category.Upn},2025-11-04,PERM,2,DB,
            {School},{length.Upn},2025-11-05,FIXD,6,DB,
            {School},{reasons.Upn},2025-11-06,FIXD,2,PA,
            {School},{unknownUpn},2025-11-10,FIXD,2,DB,
            """;

        var report = await ReconcileAsync(2025, csv);

        Assert.Equal((2025, 5), (report.SchoolYearStart, report.ReturnRows));
        var school = Assert.Single(report.Schools);
        Assert.Equal((School, 5, 1), (school.SchoolUrn, school.ReturnRows, school.Matched));
        var found = school.Differences.Select(d => (d.Kind, d.ReturnRow, d.Exclusion)).OrderBy(d => d.Kind).ToList();
        Assert.Equal(
        [
            (CensusDifferenceKind.InReturnOnly, 5, ""),
            (CensusDifferenceKind.RecordedOnly, 0, unreturned.Exclusion),
            (CensusDifferenceKind.CategoryDiffers, 2, category.Exclusion),
            (CensusDifferenceKind.SessionsDiffer, 3, length.Exclusion),
            (CensusDifferenceKind.ReasonsDiffer, 4, reasons.Exclusion),
        ], found);
        Assert.Equal("return 6 sessions, recorded 4", school.Differences.Single(d => d.Kind == CensusDifferenceKind.SessionsDiffer).Detail);
        var answer = report.ToString();
        Assert.DoesNotContain(same.Upn, answer, StringComparison.Ordinal); // identifiers of this service only: no UPN
        Assert.DoesNotContain(unknownUpn, answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_return_is_refused_naming_the_rows_at_fault()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => ReconcileAsync(2025, $"""
            URN,UPN,ExclusionStartDate,ExclusionCategory,ExclusionSessions,ExclusionReason1
            {School},A801200660001,03/11/2025,FIXD,4,DB
            {School},A801200660001,2025-11-03,XXXX,4,DB
            """));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        var violations = RpcAssert.FieldViolations(refused);
        Assert.Equal(["row 1: ExclusionStartDate must be YYYY-MM-DD", "row 2: ExclusionCategory must be FIXD, LNCH or PERM"],
            violations.Where(v => v.Field == "data").Select(v => v.Description));
        var header = await Assert.ThrowsAsync<RpcException>(() => ReconcileAsync(2025, "URN,UPN\n604401,X\n"));
        Assert.Contains("the header lacks ExclusionStartDate", header.Status.Detail + string.Join(" ", RpcAssert.FieldViolations(header).Select(v => v.Description)),
            StringComparison.Ordinal);
    }
}
