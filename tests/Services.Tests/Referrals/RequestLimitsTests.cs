using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using static InclusionServices.Tests.Referrals.ReferralsData;

namespace InclusionServices.Tests.Referrals;

/// <summary>
/// Hole 6: a pupil record accepted unlimited carers' telephones, reports and text, megabytes per pupil. Every string
/// and list now has a limit written in its .proto (or the suite default), and the whole message a maximum size.
/// </summary>
public sealed class RequestLimitsTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string School = "608001";
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);

    public Task InitializeAsync() => RegisterSchoolAsync(service.Channel, School);

    public Task DisposeAsync() => Task.CompletedTask;

    private static Pupil NewPupil() => new()
    {
        Upn = Upn(31), GivenName = "Dana", FamilyName = "Example", DateOfBirth = On(ThisSchoolYear - 13, 12, 14), Sex = Sex.Female,
        YearGroup = 8, SchoolUrn = School, SenStatus = SenStatus.SenSupport,
        Carers = { new Carer { FullName = "Sam Example", Telephones = { "07700 900123" } } },
    };

    private Task<Pupil> Create(Pupil pupil) =>
        _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = pupil }, Officer).ResponseAsync;

    [Fact]
    public async Task A_list_past_its_limit_is_refused_naming_it()
    {
        var pupil = NewPupil();
        pupil.Carers[0].Telephones.Add(Enumerable.Repeat("07700 900124", 5));  // six numbers; five allowed
        await RpcAssert.InvalidFields(() => Create(pupil), "pupil.carers[0].telephones");

        pupil = NewPupil();
        pupil.Carers.Add(Enumerable.Range(0, 20).Select(i => new Carer { FullName = $"Carer {i}" })); // 21 carers; 20 allowed
        await RpcAssert.InvalidFields(() => Create(pupil), "pupil.carers");

        pupil = NewPupil();
        pupil.Diagnoses.Add(new Diagnosis { Description = "ADHD", Reports = { Enumerable.Range(0, 11).Select(i => new AttachedReport { Title = $"Report {i}" }) } });
        await RpcAssert.InvalidFields(() => Create(pupil), "pupil.diagnoses[0].reports");
    }

    [Fact]
    public async Task Text_past_its_limit_is_refused_naming_it()
    {
        var pupil = NewPupil();
        pupil.SenDetails = new string('x', 2001);
        pupil.Carers[0].Relationship = new string('y', 101);
        await RpcAssert.InvalidFields(() => Create(pupil), "pupil.sen_details", "pupil.carers[0].relationship");
    }

    [Fact]
    public async Task A_message_over_a_megabyte_is_refused_as_too_large()
    {
        var pupil = NewPupil();
        pupil.Address = new string('z', 2 * 1024 * 1024);
        await RpcAssert.FailsWith(StatusCode.ResourceExhausted, () => Create(pupil));
    }

    [Fact]
    public void A_field_without_its_own_limit_takes_the_suite_default()
    {
        // DeclineReferralRequest.reason is annotated 4,000 characters.
        Assert.Equal(["reason"], MessageLimits.Check(new DeclineReferralRequest { Name = "referrals/x", Reason = new string('r', 4001) }).Select(v => v.Field));
        Assert.Empty(MessageLimits.Check(new DeclineReferralRequest { Name = "referrals/x", Reason = new string('r', 4000) }));
        // Event messages carry no annotations: their strings stop at the default 2,000 characters, lists at 100 items.
        var unannotated = new Inclusion.Events.V1.ExclusionChanged { Decision = new string('d', 2001) };
        unannotated.ReasonCodes.Add(Enumerable.Repeat("DB", 101));
        Assert.Equal(["reason_codes", "decision"], MessageLimits.Check(unannotated).Select(v => v.Field).Order().Reverse());
    }
}
