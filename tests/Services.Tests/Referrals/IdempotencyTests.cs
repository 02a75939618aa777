using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// Hole 3: idempotent creates were looked up by request_id alone, so school B sending school A's request_id received
/// A's pupil, unaudited. A request_id now belongs to the caller who sent it (and the kind of record).
/// </summary>
public sealed class IdempotencyTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string SchoolA = "606001";
    private const string SchoolB = "606002";
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);

    public async Task InitializeAsync()
    {
        await RegisterSchoolAsync(service.Channel, SchoolA);
        await RegisterSchoolAsync(service.Channel, SchoolB);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Pupil NewPupil(string upn, string school, string givenName) => new()
    {
        Upn = upn, GivenName = givenName, FamilyName = "Example", DateOfBirth = On(ThisSchoolYear - 13, 12, 14), Sex = Sex.Female,
        YearGroup = 8, SchoolUrn = school, SenStatus = SenStatus.NoSen,
    };

    [Fact]
    public async Task Another_callers_request_id_makes_the_callers_own_record_and_never_returns_the_first()
    {
        var requestId = Guid.NewGuid().ToString();
        var schoolA = Tokens.Header(InclusionRoles.School, SchoolA);
        var schoolB = Tokens.Header(InclusionRoles.School, SchoolB);
        var first = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = NewPupil(Upn(11), SchoolA, "Aisha"), RequestId = requestId }, schoolA);

        var repeat = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = NewPupil(Upn(11), SchoolA, "Aisha"), RequestId = requestId }, schoolA);
        Assert.Equal(first.Name, repeat.Name);

        var other = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = NewPupil(Upn(12), SchoolB, "Bilal"), RequestId = requestId }, schoolB);
        Assert.NotEqual(first.Name, other.Name);
        Assert.Equal(("Bilal", SchoolB), (other.GivenName, other.SchoolUrn));
    }

    [Fact]
    public async Task A_request_id_is_kept_per_kind_of_record()
    {
        var requestId = Guid.NewGuid().ToString();
        var pupil = await _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = NewPupil(Upn(13), SchoolA, "Chen"), RequestId = requestId }, Officer);

        var exclusion = await new Exclusions.ExclusionsClient(service.Channel).RecordExclusionAsync(new RecordExclusionRequest
        {
            Exclusion = new Exclusion { Pupil = pupil.Name, Kind = ExclusionKind.Suspension, StartDate = On(2025, 11, 5), Sessions = 2, ReasonCodes = { "DB" } },
            RequestId = requestId,
        }, Officer);

        Assert.StartsWith("exclusions/", exclusion.Name, StringComparison.Ordinal);
    }
}
