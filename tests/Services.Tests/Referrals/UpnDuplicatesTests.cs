using Grpc.Core;
using Inclusion.Audit.V1;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// Hole 5: ALREADY_EXISTS told a school that another school's child was known, and nothing recorded the attempt. Now
/// the school gets a record of its own as if the child were new, the attempt is audited on the existing record, and
/// the team resolves the two with a move.
/// </summary>
public sealed class UpnDuplicatesTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string SchoolA = "609001";
    private const string SchoolB = "609002";
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);
    private static Metadata AsSchool(string urn) => Tokens.Header(InclusionRoles.School, urn);

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(service.Channel, SchoolA);
        await RegisterSchoolAsync(service.Channel, SchoolB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Pupil Child(string upn, string school) => new()
    {
        Upn = upn, GivenName = "Eli", FamilyName = "Example", DateOfBirth = On(ThisSchoolYear - 13, 12, 14), Sex = Sex.Male,
        YearGroup = 8, SchoolUrn = school, SenStatus = SenStatus.NoSen,
    };

    [Fact]
    public async Task A_school_recording_another_schools_child_learns_nothing_and_the_attempt_is_audited()
    {
        var atA = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(41), SchoolA) }, AsSchool(SchoolA));

        var atB = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(41), SchoolB) }, AsSchool(SchoolB));
        var freshAtB = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(42), SchoolB) }, AsSchool(SchoolB));

        // The answer has the shape of any new record: nothing about school A's.
        Assert.NotEqual(atA.Name, atB.Name);
        Assert.Equal((SchoolB, "", 1), (atB.SchoolUrn, atB.DuplicateOf, atB.SchoolHistory.Count));
        Assert.Equal(freshAtB.SchoolHistory.Count, atB.SchoolHistory.Count);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _pupils.GetPupilAsync(new GetPupilRequest { Name = atA.Name }, AsSchool(SchoolB)).ResponseAsync);

        var trail = await new Inclusion.Audit.V1.AuditTrail.AuditTrailClient(service.Channel).ListAuditEntriesAsync(new ListAuditEntriesRequest { Pupil = atA.Name }, Manager);
        var attempt = Assert.Single(trail.Entries, e => e.Action == "attempted");
        Assert.Equal(($"test-school-{SchoolB}", SchoolB, atB.Name), (attempt.User, attempt.SchoolUrn, attempt.Resource));
    }

    [Fact]
    public async Task The_team_sees_the_duplicate_and_resolves_it_with_a_move_keeping_both_histories()
    {
        var atA = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(43), SchoolA) }, AsSchool(SchoolA));
        var atB = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(43), SchoolB) }, AsSchool(SchoolB));
        var referral = await new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel).CreateReferralAsync(
            new CreateReferralRequest { Pupil = atB.Name, Form = new ReferralForm { MainReason = "Settling in" } }, AsSchool(SchoolB));

        var duplicates = await _pupils.ListPupilsAsync(new ListPupilsRequest { DuplicatesOnly = true }, Officer);
        var waiting = Assert.Single(duplicates.Pupils, p => p.Name == atB.Name);
        Assert.Equal(atA.Name, waiting.DuplicateOf);
        await RpcAssert.InvalidFields(() => _pupils.ListPupilsAsync(new ListPupilsRequest { DuplicatesOnly = true }, AsSchool(SchoolB)).ResponseAsync,
            "duplicates_only");

        var one = await _pupils.ResolveDuplicatePupilAsync(new ResolveDuplicatePupilRequest { Name = atB.Name, MovedOn = On(Today.Year, Today.Month, Today.Day) }, Officer);

        Assert.Equal((atA.Name, SchoolB), (one.Name, one.SchoolUrn));
        Assert.Equal([SchoolA, SchoolB], one.SchoolHistory.Select(s => s.SchoolUrn));
        // School B's name for the child now reads as the one record, and its referral belongs to it.
        Assert.Equal(atA.Name, (await _pupils.GetPupilAsync(new GetPupilRequest { Name = atB.Name }, AsSchool(SchoolB))).Name);
        var moved = await new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel).GetReferralAsync(
            new GetReferralRequest { Name = referral.Name }, AsSchool(SchoolB));
        Assert.Equal(atA.Name, moved.Pupil);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _pupils.GetPupilAsync(new GetPupilRequest { Name = atA.Name }, AsSchool(SchoolA)).ResponseAsync);
        Assert.DoesNotContain((await _pupils.ListPupilsAsync(new ListPupilsRequest { DuplicatesOnly = true }, Officer)).Pupils, p => p.Name == atB.Name);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _pupils.ResolveDuplicatePupilAsync(
            new ResolveDuplicatePupilRequest { Name = atB.Name, MovedOn = On(Today.Year, Today.Month, Today.Day) }, Officer).ResponseAsync);
    }

    [Fact]
    public async Task The_yearly_suspension_cap_counts_both_records_of_one_child()
    {
        var exclusions = new Exclusions.ExclusionsClient(service.Channel);
        var atA = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(44), SchoolA) }, AsSchool(SchoolA));
        await exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = atA.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 9, 8), Sessions = 86, ReasonCodes = { "DB" } },
        }, AsSchool(SchoolA));
        var atB = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = Child(Upn(44), SchoolB) }, AsSchool(SchoolB));

        // 43 days at school A and 3 more at school B would make 46: over the 45 a child may be suspended in a year.
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => exclusions.RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = atB.Name, Kind = ExclusionKind.Suspension, StartDate = On(2026, 3, 2), Sessions = 6, ReasonCodes = { "DB" } },
        }, AsSchool(SchoolB)).ResponseAsync);
    }
}
