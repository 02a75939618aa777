using System.Text;
using Google.Type;
using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Events;

namespace InclusionServices.Tests.Referrals;

public sealed class ReferralsServiceTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string Ours = "602001";
    private const string Theirs = "602002";
    private readonly Inclusion.Referrals.V1.Referrals.ReferralsClient _referrals = new(service.Channel);
    private Pupil _pupil = null!;
    private Pupil _theirPupil = null!;

    private static readonly System.DateTime Today = System.DateTime.UtcNow;
    private static readonly int ThisSchoolYear = Today.Month >= 8 ? Today.Year : Today.Year - 1;
    private static Date On(System.DateTime day) => new() { Year = day.Year, Month = day.Month, Day = day.Day };

    public async Task InitializeAsync()
    {
        var schools = new Schools.SchoolsClient(service.Channel);
        var pupils = new Pupils.PupilsClient(service.Channel);
        foreach (var urn in new[] { Ours, Theirs })
        {
            await schools.CreateSchoolAsync(new CreateSchoolRequest
            {
                School = new School { Urn = urn, DisplayName = $"School {urn}", Phase = Phase.Primary, Postcode = "WV6 0AA" },
                RequestId = new Guid($"00000000-0000-0000-0000-000000{urn}").ToString(),
            }, Tokens.Header(InclusionRoles.Manager));
        }
        Pupil NewPupil(string upn, string school) => new()
        {
            Upn = upn, GivenName = "Robin", FamilyName = "Testcase", DateOfBirth = new Date { Year = ThisSchoolYear - 9, Month = 11, Day = 2 },
            Sex = Sex.Male, YearGroup = 4, SchoolUrn = school, SenStatus = SenStatus.EhcPlan, FreeSchoolMeals = true,
            Postcode = "WV6 0ZZ", EthnicityCode = "MWBC",
            Carers = { new Carer { FullName = "Jo Testcase", Telephones = { "07700 900456" }, Email = "jo.testcase@example.org" } },
        };
        // Check letters: 80 + 6 x 13 = 158, mod 23 = 20 -> X; 80 + 7 x 13 = 171 -> 10 -> L.
        // xunit makes a new instance per test: the same request_id makes the second create return the first pupil.
        Task<Pupil> Once(string upn, string school) => pupils.CreatePupilAsync(new CreatePupilRequest
        {
            Pupil = NewPupil(upn, school),
            RequestId = new Guid(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(upn))).ToString(),
        }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync;
        _pupil = await Once("X801200005006", Ours);
        _theirPupil = await Once("L801200005007", Theirs);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static ReferralForm CompleteForm() => new()
    {
        DateMade = On(Today),
        Referrer = new Referrer { FullName = "Pat Tutor", Email = "pat.tutor@school.example.org", Telephone = "01902 555000", RelationshipToChild = "form tutor" },
        InvolvedProfessionals = { new InvolvedProfessional { FullName = "Chris Worker", Role = "social worker", Telephone = "01902 551234" } },
        AttainmentAndProgress = "Working towards ARE in reading",
        LevelsOfSupport = "1-1 for 5 hours a week",
        PreviousExclusions = "Two suspensions this year",
        ExclusionPreventionMeetingHeld = true,
        ExclusionPreventionMeetingDetails = "Held last month with the family",
        MainReason = "Persistent disruption and dysregulation after lunch",
        SupportWanted = "Advice on a reduced-stimulus plan and an EPM",
        ParentalPermissionObtained = true,
        ReferrerSignOff = new SignOff { FullName = "Pat Tutor", SignedOn = On(Today) },
        HeadTeacherSignOff = new SignOff { FullName = "Head Teacher", SignedOn = On(Today) },
        SendcoSignOff = new SignOff { FullName = "SENDCo", SignedOn = On(Today) },
    };

    private Task<Referral> Draft(ReferralForm form, Pupil? pupil = null, string role = InclusionRoles.School) =>
        _referrals.CreateReferralAsync(new CreateReferralRequest { Pupil = (pupil ?? _pupil).Name, Form = form },
            Tokens.Header(role, role == InclusionRoles.School ? (pupil ?? _pupil).SchoolUrn : null)).ResponseAsync;

    private static Metadata School => Tokens.Header(InclusionRoles.School, Ours);
    private static Metadata Officer => Tokens.Header(InclusionRoles.Officer);
    private static Metadata Manager => Tokens.Header(InclusionRoles.Manager);

    [Fact]
    public async Task A_complete_referral_goes_from_draft_to_closed_and_each_step_is_published_without_naming_the_child()
    {
        await using var plain = await PlainRabbitMq.ConnectAsync(service.BrokerConnectionString!);
        var queue = await plain.BindQueueAsync("inclusion.events.v1.ReferralStatusChanged");

        var draft = await Draft(CompleteForm());
        Assert.Equal(ReferralStatus.Draft, draft.Status);
        await _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = draft.Name }, School);
        await _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = draft.Name }, Officer);
        await _referrals.AllocateReferralAsync(new AllocateReferralRequest { Name = draft.Name, Officer = "officer-7" }, Manager);
        var contacted = await _referrals.RecordFirstContactAsync(new RecordFirstContactRequest { Name = draft.Name }, Officer);
        var closed = await _referrals.CloseReferralAsync(new CloseReferralRequest { Name = draft.Name, Outcome = "EPM held; plan agreed" }, Officer);

        Assert.Equal(ReferralStatus.Closed, closed.Status);
        Assert.Equal("officer-7", closed.AllocatedOfficer);
        Assert.NotNull(contacted.TimeToFirstContact);
        Assert.True(contacted.TimeToFirstContact.ToTimeSpan() >= TimeSpan.Zero);
        Assert.Equal("Persistent disruption and dysregulation after lunch", closed.Form.MainReason);

        var messages = new List<RabbitMQ.Client.BasicGetResult>();
        await Eventually.HoldsAsync(async () => (messages = [.. messages, .. await plain.DrainAsync(queue)]).Count >= 5, "five steps were published");
        var bodies = messages.Select(m => Encoding.UTF8.GetString(m.Body.Span)).ToList();
        var events = bodies.Select(Google.Protobuf.JsonParser.Default.Parse<Inclusion.Events.V1.ReferralStatusChanged>).ToList();
        Assert.Equal(
            [Inclusion.Events.V1.ReferralStatus.Submitted, Inclusion.Events.V1.ReferralStatus.Accepted, Inclusion.Events.V1.ReferralStatus.Allocated,
             Inclusion.Events.V1.ReferralStatus.InContact, Inclusion.Events.V1.ReferralStatus.Closed],
            events.Select(e => e.Status));
        Assert.All(events, e => Assert.Equal((_pupil.Name, Ours, 4, "MWBC"), (e.Pupil.Pupil, e.Pupil.SchoolUrn, e.Pupil.YearGroup, e.Pupil.EthnicityCode)));
        foreach (var personal in new[] { "Robin", "Testcase", "X801200005006", "WV6 0ZZ", "07700900456", "jo.testcase", "Pat Tutor", "01902555000", $"{ThisSchoolYear - 9}-11-02" })
        {
            Assert.DoesNotContain(bodies, body => body.Contains(personal, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Submission_without_parental_permission_or_with_parts_missing_is_refused_with_the_reason()
    {
        var form = CompleteForm();
        form.ParentalPermissionObtained = false;
        var noPermission = await Draft(form);
        var refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = noPermission.Name }, School).ResponseAsync);
        Assert.Contains("parental permission", refused.Status.Detail, StringComparison.Ordinal);

        var incomplete = CompleteForm();
        incomplete.MainReason = "";
        incomplete.HeadTeacherSignOff = null;
        var draft = await Draft(incomplete);
        refused = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = draft.Name }, School).ResponseAsync);
        Assert.Contains("the main reason for referral, the head teacher's sign-off", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_step_out_of_order_is_refused_with_failed_precondition()
    {
        var draft = await Draft(CompleteForm());
        var name = draft.Name;
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = name }, Officer).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.DeclineReferralAsync(new DeclineReferralRequest { Name = name, Reason = "x" }, Officer).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.AllocateReferralAsync(new AllocateReferralRequest { Name = name, Officer = "o" }, Manager).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.CloseReferralAsync(new CloseReferralRequest { Name = name, Outcome = "x" }, Officer).ResponseAsync);

        await _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = name }, School);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = name }, School).ResponseAsync);
        var submitted = await _referrals.GetReferralAsync(new GetReferralRequest { Name = name }, School);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.UpdateReferralAsync(
            new UpdateReferralRequest { Name = name, Form = CompleteForm(), Etag = submitted.Etag }, School).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.FailedPrecondition, () => _referrals.RecordFirstContactAsync(new RecordFirstContactRequest { Name = name }, Officer).ResponseAsync);

        await _referrals.DeclineReferralAsync(new DeclineReferralRequest { Name = name, Reason = "Better met by the SEND team" }, Officer);
        var declined = await RpcAssert.FailsWith(StatusCode.FailedPrecondition,
            () => _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = name }, Officer).ResponseAsync);
        Assert.Contains("declined", declined.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_school_sees_only_its_own_referrals_and_only_the_team_triages()
    {
        var theirs = await Draft(CompleteForm(), _theirPupil, InclusionRoles.Officer);
        var ours = await Draft(CompleteForm());

        await RpcAssert.FailsWith(StatusCode.NotFound, () => _referrals.GetReferralAsync(new GetReferralRequest { Name = theirs.Name }, School).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.NotFound, () => _referrals.CreateReferralAsync(
            new CreateReferralRequest { Pupil = _theirPupil.Name, Form = CompleteForm() }, School).ResponseAsync);
        var listed = await _referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = Theirs }, School);
        Assert.All(listed.Referrals, r => Assert.Equal(Ours, r.SchoolUrn));
        Assert.Contains(listed.Referrals, r => r.Name == ours.Name);

        await _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = ours.Name }, School);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = ours.Name }, School).ResponseAsync);
        await _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = ours.Name }, Officer);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _referrals.AllocateReferralAsync(new AllocateReferralRequest { Name = ours.Name, Officer = "o" }, Officer).ResponseAsync);
        await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _referrals.GetReferralAsync(new GetReferralRequest { Name = ours.Name }, Tokens.Header(InclusionRoles.Analyst)).ResponseAsync);
    }

    [Fact]
    public async Task Of_two_edits_from_the_same_read_the_second_is_aborted_and_nothing_is_lost()
    {
        var draft = await Draft(CompleteForm());
        var first = CompleteForm();
        first.LevelsOfSupport = "first editor's words";
        var second = CompleteForm();
        second.LevelsOfSupport = "second editor's words";

        var saved = await _referrals.UpdateReferralAsync(new UpdateReferralRequest { Name = draft.Name, Form = first, Etag = draft.Etag }, School);
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _referrals.UpdateReferralAsync(
            new UpdateReferralRequest { Name = draft.Name, Form = second, Etag = draft.Etag }, School).ResponseAsync);

        var read = await _referrals.GetReferralAsync(new GetReferralRequest { Name = draft.Name }, School);
        Assert.Equal("first editor's words", read.Form.LevelsOfSupport);
        Assert.Equal(saved.Etag, read.Etag);
    }

    [Fact]
    public async Task Form_fields_are_checked_and_every_problem_named()
    {
        var form = CompleteForm();
        form.DateMade = On(Today.AddDays(3));
        form.Referrer.Email = "pat@";
        form.Referrer.Telephone = "555";
        form.InvolvedProfessionals[0].Email = "not an email";
        form.HeadTeacherSignOff.SignedOn = On(Today.AddDays(1));

        await RpcAssert.InvalidFields(() => Draft(form), "form.date_made", "form.referrer.email", "form.referrer.telephone",
            "form.involved_professionals[0].email", "form.head_teacher_sign_off.signed_on");
    }

    [Fact]
    public async Task Lists_filter_by_status_and_school()
    {
        var submitted = await Draft(CompleteForm());
        await _referrals.SubmitReferralAsync(new SubmitReferralRequest { Name = submitted.Name }, School);
        var draft = await Draft(CompleteForm());

        var listed = await _referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = Ours, Status = ReferralStatus.Submitted, PageSize = 100 }, Officer);

        Assert.Contains(listed.Referrals, r => r.Name == submitted.Name);
        Assert.DoesNotContain(listed.Referrals, r => r.Name == draft.Name);
        Assert.All(listed.Referrals, r => Assert.Equal(ReferralStatus.Submitted, r.Status));

        await _referrals.AcceptReferralAsync(new AcceptReferralRequest { Name = submitted.Name }, Officer);
        await _referrals.AllocateReferralAsync(new AllocateReferralRequest { Name = submitted.Name, Officer = "officer-lists" }, Manager);
        var byOfficer = await _referrals.ListReferralsAsync(new ListReferralsRequest { AllocatedOfficer = "officer-lists" }, Officer);
        Assert.Equal([submitted.Name], byOfficer.Referrals.Select(r => r.Name));

        var yesterday = On(Today.AddDays(-1));
        var madeBefore = await _referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = Ours, MadeTo = yesterday }, Officer);
        Assert.Empty(madeBefore.Referrals); // every referral here was made today
        var madeSince = await _referrals.ListReferralsAsync(new ListReferralsRequest { SchoolUrn = Ours, MadeFrom = yesterday, PageSize = 100 }, Officer);
        Assert.Contains(madeSince.Referrals, r => r.Name == draft.Name);
    }
}
