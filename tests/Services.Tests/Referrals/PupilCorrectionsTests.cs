using System.Text;
using Grpc.Core;
using Inclusion.Audit.V1;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;
using static InclusionServices.Tests.Referrals.ReferralsData;
using ExclusionKind = Inclusion.Referrals.V1.ExclusionKind;
using SenStatus = Inclusion.Referrals.V1.SenStatus;

namespace InclusionServices.Tests.Referrals;

/// <summary>Correcting a pupil's record, replacing a temporary UPN, and merging two records of one child.</summary>
public sealed class PupilCorrectionsTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string First = "604301";
    private const string Second = "604302";
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(service.Channel, First);
        await RegisterSchoolAsync(service.Channel, Second);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A valid temporary UPN (final character a letter).</summary>
    private static string TemporaryUpn(int serial) => WithCheckLetter($"80120044{serial:000}A");

    private async Task<Inclusion.Referrals.V1.Pupil> CreateAsync(string upn, string school) =>
        await _pupils.CreatePupilAsync(new CreatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil
            {
                Upn = upn, GivenName = "Morgen", FamilyName = "Privatepersn", DateOfBirth = On(ThisSchoolYear - 14, 10, 9), Sex = Inclusion.Referrals.V1.Sex.Male,
                YearGroup = 9, SchoolUrn = school, SenStatus = SenStatus.NoSen,
            },
        }, Officer);

    private async Task<Inclusion.Referrals.V1.Exclusion> ExcludeAsync(Inclusion.Referrals.V1.Pupil pupil) =>
        await new Exclusions.ExclusionsClient(service.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Inclusion.Referrals.V1.Exclusion
            {
                Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 3), Sessions = 2, ReasonCodes = { "DB" },
            },
        }, Officer);

    [Fact]
    public async Task A_pupils_details_are_corrected_with_the_etag_and_a_temporary_upn_gives_way_to_the_permanent_one()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.PupilAttributesChanged");
        var pupil = await CreateAsync(TemporaryUpn(1), First);
        Assert.True(pupil.TemporaryUpn);
        var exclusion = await ExcludeAsync(pupil);

        // The school corrects the names; the UPN is the team's to change.
        var school = Tokens.Header(InclusionRoles.School, First);
        var named = await _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(pupil) { GivenName = "Morgan", FamilyName = "Privateperson" },
        }, school);
        Assert.Equal(("Morgan", "Privateperson", pupil.Upn), (named.GivenName, named.FamilyName, named.Upn));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(named) { Upn = Upn(441, "80120044") },
        }, school).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(pupil) { GivenName = "Stale" }, // the etag read before the school's change
        }, Officer).ResponseAsync);

        // The team gives the permanent UPN and an EHC plan: one record still, and the change reports count by is published.
        var corrected = await _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(named) { Upn = Upn(441, "80120044"), SenStatus = SenStatus.EhcPlan, SenDetails = "EHC plan issued" },
        }, Officer);
        Assert.Equal((pupil.Name, false, SenStatus.EhcPlan), (corrected.Name, corrected.TemporaryUpn, corrected.SenStatus));
        var exclusions = await new Exclusions.ExclusionsClient(service.Channel).ListExclusionsAsync(new ListExclusionsRequest { Pupil = pupil.Name }, Officer);
        Assert.Equal([exclusion.Name], exclusions.Exclusions.Select(e => e.Name));
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(corrected) { Upn = Upn(442, "80120044") }, // a permanent UPN stays
        }, Officer).ResponseAsync);
        await RpcAssert.InvalidFields(() => _pupils.UpdatePupilAsync(new UpdatePupilRequest
        {
            Pupil = new Inclusion.Referrals.V1.Pupil(corrected) { FamilyName = "", YearGroup = 20, Etag = "" },
        }, Officer).ResponseAsync, "pupil.family_name", "pupil.year_group", "pupil.etag");

        var published = new List<PupilAttributesChanged>();
        await Eventually.HoldsAsync(async () =>
        {
            published.AddRange((await plain.DrainAsync(queue)).Select(m => Google.Protobuf.JsonParser.Default.Parse<PupilAttributesChanged>(Encoding.UTF8.GetString(m.Body.Span))));
            return published.Any(e => e.Pupil == pupil.Name);
        }, "the change of report attributes was published");
        var ours = Assert.Single(published, e => e.Pupil == pupil.Name); // the names alone changed nothing reports count by
        Assert.Equal(Inclusion.Events.V1.SenStatus.EhcPlan, ours.Attributes.SenStatus);
        Assert.DoesNotContain("Privateperson", ours.ToString(), StringComparison.Ordinal);

        var trail = await new Inclusion.Audit.V1.AuditTrail.AuditTrailClient(service.Channel).ListAuditEntriesAsync(new ListAuditEntriesRequest { Pupil = pupil.Name, PageSize = 100 }, Manager);
        Assert.True(trail.Entries.Count(e => e.Action == "changed" && e.Resource == pupil.Name) >= 3, "create and both corrections are audited");
    }

    [Fact]
    public async Task A_manager_merges_two_records_of_one_child_keeping_both_histories()
    {
        var kept = await CreateAsync(Upn(443, "80120044"), First);
        var other = await CreateAsync(TemporaryUpn(2), Second);
        var keptExclusion = await ExcludeAsync(kept);
        var otherExclusion = await ExcludeAsync(other);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _pupils.MergePupilsAsync(
            new MergePupilsRequest { Primary = kept.Name, Duplicate = other.Name }, Officer).ResponseAsync);

        var merged = await _pupils.MergePupilsAsync(new MergePupilsRequest { Primary = kept.Name, Duplicate = other.Name }, Manager);
        Assert.Equal(kept.Name, merged.Name);
        Assert.Equal(kept.Name, (await _pupils.GetPupilAsync(new GetPupilRequest { Name = other.Name }, Officer)).Name); // reads as the one record
        var exclusions = await new Exclusions.ExclusionsClient(service.Channel).ListExclusionsAsync(new ListExclusionsRequest { Pupil = kept.Name }, Officer);
        Assert.Equal(new[] { keptExclusion.Name, otherExclusion.Name }.Order(), exclusions.Exclusions.Select(e => e.Name).Order());
        var atSecond = await _pupils.ListPupilsAsync(new ListPupilsRequest { SchoolUrn = Second, PageSize = 100 }, Officer);
        Assert.DoesNotContain(atSecond.Pupils, p => p.Name == other.Name);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _pupils.MergePupilsAsync(
            new MergePupilsRequest { Primary = kept.Name, Duplicate = other.Name }, Manager).ResponseAsync);

        var audit = new Inclusion.Audit.V1.AuditTrail.AuditTrailClient(service.Channel);
        foreach (var (record, mentions) in new[] { (kept.Name, other.Name), (other.Name, kept.Name) })
        {
            var trail = await audit.ListAuditEntriesAsync(new ListAuditEntriesRequest { Pupil = record, PageSize = 100 }, Manager);
            Assert.Contains(trail.Entries, e => e.Action == "changed" && e.Resource == mentions);
        }
    }
}
