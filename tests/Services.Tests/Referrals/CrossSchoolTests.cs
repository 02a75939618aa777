using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// School scoping across every read, list, filter and change Referrals offers a school user: school B asks for school
/// A's records every way the API allows and gets nothing of A's (not found, or lists without them).
/// </summary>
public sealed class CrossSchoolTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string SchoolA = "612001";
    private const string SchoolB = "612002";
    private static readonly Metadata AsB = Tokens.Header(InclusionRoles.School, SchoolB);
    private Pupil _pupilA = null!;
    private Referral _referralA = null!;
    private Exclusion _exclusionA = null!;

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(service.Channel, SchoolA);
        await RegisterSchoolAsync(service.Channel, SchoolB);
        _pupilA = await NewPupilAsync(service.Channel, SchoolA, 61);
        await NewPupilAsync(service.Channel, SchoolB, 62);
        _referralA = await new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel).CreateReferralAsync(
            new CreateReferralRequest { Pupil = _pupilA.Name, Form = new ReferralForm { MainReason = "A's concern" } }, Officer);
        _exclusionA = await new Exclusions.ExclusionsClient(service.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = _pupilA.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 5), Sessions = 2, ReasonCodes = { "DB" } },
        }, Officer);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Another_schools_records_are_not_found_by_any_read_or_change()
    {
        var pupils = new Pupils.PupilsClient(service.Channel);
        var referrals = new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel);
        var exclusions = new Exclusions.ExclusionsClient(service.Channel);
        var calls = new (string What, Func<Task> Call)[]
        {
            ("GetPupil", () => pupils.GetPupilAsync(new GetPupilRequest { Name = _pupilA.Name }, AsB).ResponseAsync),
            ("GetReferral", () => referrals.GetReferralAsync(new GetReferralRequest { Name = _referralA.Name }, AsB).ResponseAsync),
            ("GetExclusion", () => exclusions.GetExclusionAsync(new GetExclusionRequest { Name = _exclusionA.Name }, AsB).ResponseAsync),
            ("GetSchool", () => new Schools.SchoolsClient(service.Channel).GetSchoolAsync(new GetSchoolRequest { Name = "schools/" + SchoolA }, AsB).ResponseAsync),
            ("GetSchoolYearCalendar", () => new SchoolCalendars.SchoolCalendarsClient(service.Channel).GetSchoolYearCalendarAsync(
                new GetSchoolYearCalendarRequest { SchoolYearStart = 2025, SchoolUrn = SchoolA }, AsB).ResponseAsync),
            ("CreateReferral", () => referrals.CreateReferralAsync(new CreateReferralRequest { Pupil = _pupilA.Name }, AsB).ResponseAsync),
            ("UpdateReferral", () => referrals.UpdateReferralAsync(new UpdateReferralRequest { Name = _referralA.Name, Etag = _referralA.Etag, Form = new ReferralForm() }, AsB).ResponseAsync),
            ("SubmitReferral", () => referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = _referralA.Name }, AsB).ResponseAsync),
            ("RecordExclusion", () => exclusions.RecordExclusionAsync(new RecordExclusionRequest
            {
                Exclusion = new Exclusion { Pupil = _pupilA.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 6), Sessions = 2, ReasonCodes = { "DB" } },
            }, AsB).ResponseAsync),
            ("RecordBoardDecision", () => exclusions.RecordBoardDecisionAsync(new RecordBoardDecisionRequest
            {
                Name = _exclusionA.Name, Decision = BoardDecision.Uphold, NotifiedOn = On(2025, 11, 10),
            }, AsB).ResponseAsync),
        };
        foreach (var (what, call) in calls)
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.True(error.StatusCode == StatusCode.NotFound, $"{what}: {error.StatusCode}");
        }
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => pupils.CreatePupilAsync(new CreatePupilRequest
        {
            Pupil = new Pupil { Upn = Upn(63), GivenName = "X", FamilyName = "Y", DateOfBirth = On(ThisSchoolYear - 13, 12, 1), Sex = Sex.Male,
                YearGroup = 8, SchoolUrn = SchoolA, SenStatus = SenStatus.NoSen },
        }, AsB).ResponseAsync);
    }

    [Fact]
    public async Task Lists_and_their_filters_never_return_another_schools_records()
    {
        var pupils = await new Pupils.PupilsClient(service.Channel).ListPupilsAsync(new ListPupilsRequest { SchoolUrn = SchoolA }, AsB);
        var referrals = await new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel).ListReferralsAsync(new ListReferralsRequest { SchoolUrn = SchoolA }, AsB);
        var exclusions = await new Exclusions.ExclusionsClient(service.Channel).ListExclusionsAsync(new ListExclusionsRequest { SchoolUrn = SchoolA }, AsB);
        var byPupil = await new Exclusions.ExclusionsClient(service.Channel).ListExclusionsAsync(new ListExclusionsRequest { Pupil = _pupilA.Name }, AsB);
        // A school user's school_urn filter is its own, whatever it asks for.
        Assert.All(pupils.Pupils, p => Assert.Equal(SchoolB, p.SchoolUrn));
        Assert.All(referrals.Referrals, r => Assert.Equal(SchoolB, r.SchoolUrn));
        Assert.All(exclusions.Exclusions, e => Assert.Equal(SchoolB, e.SchoolUrn));
        Assert.Empty(byPupil.Exclusions);

        var own = await new Pupils.PupilsClient(service.Channel).ListPupilsAsync(new ListPupilsRequest(), AsB);
        Assert.NotEmpty(own.Pupils);
        Assert.All(own.Pupils, p => Assert.Equal(SchoolB, p.SchoolUrn));
    }
}
