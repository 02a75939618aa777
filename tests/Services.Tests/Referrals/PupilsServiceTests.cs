using Google.Type;
using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Tests.Referrals;

public sealed class PupilsServiceTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string Ours = "601001";
    private const string Theirs = "601002";
    private readonly Pupils.PupilsClient _pupils = new(service.Channel);

    public async Task InitializeAsync()
    {
        var schools = new Schools.SchoolsClient(service.Channel);
        foreach (var urn in new[] { Ours, Theirs })
        {
            await schools.CreateSchoolAsync(new CreateSchoolRequest
            {
                School = new School { Urn = urn, DisplayName = $"School {urn}", Phase = Phase.Secondary, Postcode = "WV1 1AA" },
                RequestId = new Guid($"00000000-0000-0000-0000-000000{urn}").ToString(),
            }, Tokens.Header(InclusionRoles.Manager));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static Date On(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    private static readonly System.DateTime Today = System.DateTime.UtcNow;
    // School years start on 1 August; a Year 8 pupil is born between September and August, 13 and 12 years before.
    private static readonly int ThisSchoolYear = Today.Month >= 8 ? Today.Year : Today.Year - 1;

    private static Pupil NewPupil(string upn, string school = Ours) => new()
    {
        Upn = upn,
        GivenName = "Alex",
        FamilyName = "Example",
        DateOfBirth = On(ThisSchoolYear - 13, 12, 14),
        Sex = Sex.Female,
        YearGroup = 8,
        SchoolUrn = school,
        SenStatus = SenStatus.SenSupport,
        SenDetails = "Speech and language support, 2 hours a week",
        Postcode = "wv10 0aa",
        Carers = { new Carer { FullName = "Sam Example", Relationship = "mother", Telephones = { "07700 900123" }, Email = "sam@example.org" } },
        Diagnoses =
        {
            new Diagnosis
            {
                Description = "ADHD",
                Reports = { new AttachedReport { Title = "CAMHS assessment", Author = "CAMHS", Dated = On(2025, 6, 2), DocumentReference = "DOC-1" } },
            },
        },
        FreeSchoolMeals = true,
        EthnicityCode = "WBRI",
    };

    private Task<Pupil> Create(Pupil pupil, string role = InclusionRoles.School, string? schoolUrn = Ours) =>
        _pupils.CreatePupilAsync(new CreatePupilRequest { Pupil = pupil }, Tokens.Header(role, role == InclusionRoles.School ? schoolUrn : null)).ResponseAsync;

    [Fact]
    public async Task A_school_records_its_pupil_and_reads_back_every_detail()
    {
        var created = await Create(NewPupil("B801200005001"));

        var read = await _pupils.GetPupilAsync(new GetPupilRequest { Name = created.Name }, Tokens.Header(InclusionRoles.School, Ours));

        Assert.Equal("B801200005001", read.Upn);
        Assert.False(read.TemporaryUpn);
        Assert.Equal("WV10 0AA", read.Postcode);
        Assert.Equal("07700900123", Assert.Single(Assert.Single(read.Carers).Telephones));
        Assert.Equal("DOC-1", Assert.Single(Assert.Single(read.Diagnoses).Reports).DocumentReference);
        Assert.Equal(SenStatus.SenSupport, read.SenStatus);
        var spell = Assert.Single(read.SchoolHistory);
        Assert.Equal(Ours, spell.SchoolUrn);
        Assert.Null(spell.To);
    }

    [Fact]
    public async Task Every_read_and_change_of_a_pupils_record_is_written_down_for_the_manager()
    {
        // Check letter: 80 + 8 x 13 = 184, 184 mod 23 = 0 -> A.
        var created = await Create(NewPupil("A801200005008"));
        await _pupils.GetPupilAsync(new GetPupilRequest { Name = created.Name }, Tokens.Header(InclusionRoles.School, Ours));
        await _pupils.GetPupilAsync(new GetPupilRequest { Name = created.Name }, Tokens.Header(InclusionRoles.Officer));

        var trail = await _pupils.ListRecordAccessAsync(new ListRecordAccessRequest { Pupil = created.Name }, Tokens.Header(InclusionRoles.Manager));

        Assert.Equal(
            [("test-officer", "officer", "read"), ("test-school-601001", "school", "read"), ("test-school-601001", "school", "changed")],
            trail.Accesses.Select(a => (a.User, a.Role, a.Action)));
        Assert.All(trail.Accesses, a => Assert.Equal(created.Name, a.Resource));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _pupils.ListRecordAccessAsync(
            new ListRecordAccessRequest { Pupil = created.Name }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync);
    }

    [Fact]
    public async Task A_temporary_upn_is_accepted_and_flagged()
    {
        var created = await Create(NewPupil("M80120000500A"));
        Assert.True(created.TemporaryUpn);
    }

    [Fact]
    public async Task Every_invalid_detail_is_named()
    {
        var pupil = NewPupil("A801200005001");          // wrong check letter
        pupil.DateOfBirth = On(ThisSchoolYear - 17, 12, 14); // a Year 12 birthday: not Year 8 or a year either side
        pupil.Postcode = "WV10";
        pupil.EthnicityCode = "wht";
        pupil.LookedAfter = true;                          // looked after, but no social worker given
        pupil.Carers[0].Telephones[0] = "12345";
        pupil.Carers[0].Email = "sam@";

        await RpcAssert.InvalidFields(() => Create(pupil),
            "pupil.upn", "pupil.date_of_birth", "pupil.postcode", "pupil.ethnicity_code", "pupil.social_worker",
            "pupil.carers[0].telephones[0]", "pupil.carers[0].email");
    }

    [Fact]
    public async Task One_record_per_child_a_second_record_with_the_same_upn_is_refused()
    {
        await Create(NewPupil("Q801200005002"));

        await RpcAssert.FailsWith(StatusCode.AlreadyExists, () => Create(NewPupil("Q801200005002"), InclusionRoles.Officer));
    }

    [Fact]
    public async Task A_school_never_sees_or_records_another_schools_pupils()
    {
        // Check letters: 80 + 3 x 13 = 119, mod 23 = 4 -> E; 80 + 52 = 132 -> 17 -> U; 80 + 65 = 145 -> 7 -> H.
        var theirs = await Create(NewPupil("E801200005003", Theirs), InclusionRoles.Officer);

        await RpcAssert.FailsWith(StatusCode.NotFound, () => _pupils.GetPupilAsync(
            new GetPupilRequest { Name = theirs.Name }, Tokens.Header(InclusionRoles.School, Ours)).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => Create(NewPupil("U801200005004", Theirs)));
        var listed = await _pupils.ListPupilsAsync(new ListPupilsRequest { SchoolUrn = Theirs }, Tokens.Header(InclusionRoles.School, Ours));
        Assert.All(listed.Pupils, p => Assert.Equal(Ours, p.SchoolUrn));
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _pupils.GetPupilAsync(
            new GetPupilRequest { Name = theirs.Name }, Tokens.Header(InclusionRoles.Analyst)).ResponseAsync);
    }

    [Fact]
    public async Task A_pupil_who_moves_school_keeps_their_history_and_a_stale_move_is_aborted()
    {
        var pupil = await Create(NewPupil("H801200005005"));
        var movedOn = new Date { Year = Today.Year, Month = Today.Month, Day = Today.Day };

        var moved = await _pupils.MovePupilAsync(new MovePupilRequest
        {
            Name = pupil.Name, NewSchoolUrn = Theirs, MovedOn = movedOn, Etag = pupil.Etag,
        }, Tokens.Header(InclusionRoles.Officer));

        Assert.Equal(Theirs, moved.SchoolUrn);
        Assert.Equal([Ours, Theirs], moved.SchoolHistory.Select(s => s.SchoolUrn));
        Assert.Equal(movedOn, moved.SchoolHistory[0].To);
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _pupils.MovePupilAsync(new MovePupilRequest
        {
            Name = pupil.Name, NewSchoolUrn = Ours, MovedOn = movedOn, Etag = pupil.Etag,
        }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync);
        // The old school no longer sees the pupil; the new one does.
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _pupils.GetPupilAsync(
            new GetPupilRequest { Name = pupil.Name }, Tokens.Header(InclusionRoles.School, Ours)).ResponseAsync);
        Assert.Equal(Theirs, (await _pupils.GetPupilAsync(new GetPupilRequest { Name = pupil.Name },
            Tokens.Header(InclusionRoles.School, Theirs))).SchoolUrn);
    }
}
