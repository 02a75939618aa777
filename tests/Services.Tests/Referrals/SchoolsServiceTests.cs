extern alias ReferralsService;

using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;
using ReferralsDatabase = ReferralsService::InclusionServices.Referrals.Storage.ReferralsDatabase;

namespace InclusionServices.Tests.Referrals;

public sealed class ReferralsUnderTest() : ServiceUnderTest<SchoolsApi, ReferralsDatabase>(ReferralsDatabase.ConnectionName);

public sealed class SchoolsServiceTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>
{
    private readonly Schools.SchoolsClient _schools = new(service.Channel);

    private static School ValidSchool(string urn) => new()
    {
        Urn = urn,
        DisplayName = "Highfields Academy",
        Phase = Phase.Secondary,
        Postcode = "wv2  4ne",
    };

    private Task<School> Create(School school, string? requestId = null) =>
        _schools.CreateSchoolAsync(new CreateSchoolRequest { School = school, RequestId = requestId ?? "" },
            Tokens.Header(InclusionRoles.Manager)).ResponseAsync;

    [Fact]
    public async Task A_manager_registers_a_school_and_an_officer_reads_it_back_with_the_postcode_normalised()
    {
        var created = await Create(ValidSchool("104001"));

        var read = await _schools.GetSchoolAsync(new GetSchoolRequest { Name = "schools/104001" },
            Tokens.Header(InclusionRoles.Officer));

        Assert.Equal("schools/104001", read.Name);
        Assert.Equal("WV2 4NE", read.Postcode);
        Assert.Equal(Phase.Secondary, read.Phase);
        Assert.Equal(created.Etag, read.Etag);
        Assert.NotEmpty(read.Etag);
    }

    [Fact]
    public async Task Every_invalid_field_is_named_at_once_and_nothing_is_written()
    {
        var bad = new School { Urn = "10400", DisplayName = " ", Phase = Phase.Unspecified, Postcode = "WV99" };

        await RpcAssert.InvalidFields(() => Create(bad, requestId: "not-a-uuid"),
            "school.urn", "school.display_name", "school.phase", "school.postcode", "request_id");

        Assert.False(await service.WithDatabase(db => Task.FromResult(db.Schools.Any(s => s.Urn == "10400"))));
    }

    [Fact]
    public async Task Repeating_a_create_with_the_same_request_id_returns_the_first_school()
    {
        var requestId = Guid.NewGuid().ToString();
        var first = await Create(ValidSchool("104002"), requestId);

        var again = await Create(ValidSchool("104002"), requestId);

        Assert.Equal(first.Name, again.Name);
        Assert.Equal(first.CreateTime, again.CreateTime);
    }

    [Fact]
    public async Task Registering_a_urn_twice_without_a_request_id_is_refused()
    {
        await Create(ValidSchool("104003"));

        await RpcAssert.FailsWith(StatusCode.AlreadyExists, () => Create(ValidSchool("104003")));
    }

    [Fact]
    public async Task A_school_user_reads_its_own_school_and_never_learns_of_another()
    {
        await Create(ValidSchool("104004"));
        await Create(ValidSchool("104005"));

        var own = await _schools.GetSchoolAsync(new GetSchoolRequest { Name = "schools/104004" },
            Tokens.Header(InclusionRoles.School, schoolUrn: "104004"));
        Assert.Equal("104004", own.Urn);

        await RpcAssert.FailsWith(StatusCode.NotFound, () => _schools.GetSchoolAsync(
            new GetSchoolRequest { Name = "schools/104005" }, Tokens.Header(InclusionRoles.School, schoolUrn: "104004")).ResponseAsync);
    }

    [Fact]
    public async Task Only_a_manager_may_register_a_school()
    {
        foreach (var role in new[] { InclusionRoles.Officer, InclusionRoles.School, InclusionRoles.Analyst })
        {
            await RpcAssert.FailsWith(StatusCode.PermissionDenied, () => _schools.CreateSchoolAsync(
                new CreateSchoolRequest { School = ValidSchool("104006") }, Tokens.Header(role, "104006")).ResponseAsync);
        }
    }

    [Fact]
    public async Task Calls_without_a_valid_token_are_unauthenticated()
    {
        var request = new GetSchoolRequest { Name = "schools/104001" };
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => _schools.GetSchoolAsync(request).ResponseAsync);

        var forged = new Metadata { { "Authorization", "Bearer " + Tokens.For(InclusionRoles.Manager, signingKey: "another-key-that-is-long-enough-0123456789") } };
        await RpcAssert.FailsWith(StatusCode.Unauthenticated, () => _schools.GetSchoolAsync(request, forged).ResponseAsync);
    }

    [Fact]
    public async Task Listing_pages_through_every_school_once_in_urn_order()
    {
        var urns = Enumerable.Range(0, 7).Select(i => $"2050{i:00}").ToList();
        foreach (var urn in urns)
        {
            await Create(ValidSchool(urn));
        }

        var seen = new List<string>();
        var token = "";
        do
        {
            var page = await _schools.ListSchoolsAsync(new ListSchoolsRequest { PageSize = 3, PageToken = token },
                Tokens.Header(InclusionRoles.Officer));
            Assert.True(page.Schools.Count <= 3);
            seen.AddRange(page.Schools.Select(s => s.Urn));
            token = page.NextPageToken;
        } while (token != "");

        var listedOfOurs = seen.Where(urns.Contains).ToList();
        Assert.Equal(urns, listedOfOurs);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task A_manager_updates_a_schools_details_with_the_etag_it_read()
    {
        var created = await Create(ValidSchool("104010"));
        var changed = created.Clone();
        changed.DisplayName = "Highfields Academy Trust";
        changed.Telephone = "+44 1902 556200";
        changed.HeadTeacher = "Head Teacher";
        changed.DslName = "Safeguarding Lead";
        changed.DslEmail = "dsl@highfields.example.org";
        changed.Laestab = "3364001";

        var updated = await _schools.UpdateSchoolAsync(new UpdateSchoolRequest { School = changed }, Tokens.Header(InclusionRoles.Manager));

        Assert.Equal("Highfields Academy Trust", updated.DisplayName);
        Assert.Equal("01902556200", updated.Telephone);
        Assert.Equal("3364001", updated.Laestab);
        Assert.NotEqual(created.Etag, updated.Etag);
    }

    [Fact]
    public async Task Of_two_concurrent_edits_from_the_same_read_one_lands_and_the_other_is_aborted()
    {
        var read = await Create(ValidSchool("104011"));
        var first = read.Clone();
        first.HeadTeacher = "First Editor";
        var second = read.Clone();
        second.HeadTeacher = "Second Editor";

        var outcomes = await Task.WhenAll(new[] { first, second }.Select(async school =>
        {
            try
            {
                await _schools.UpdateSchoolAsync(new UpdateSchoolRequest { School = school }, Tokens.Header(InclusionRoles.Manager));
                return StatusCode.OK;
            }
            catch (RpcException error)
            {
                return error.StatusCode;
            }
        }));

        Assert.Equal([StatusCode.OK, StatusCode.Aborted], outcomes.Order());
        var stored = await _schools.GetSchoolAsync(new GetSchoolRequest { Name = read.Name }, Tokens.Header(InclusionRoles.Officer));
        Assert.Contains(stored.HeadTeacher, new[] { "First Editor", "Second Editor" });
        // A later edit from the old read is refused too: nothing is silently overwritten.
        await RpcAssert.FailsWith(StatusCode.Aborted, () => _schools.UpdateSchoolAsync(
            new UpdateSchoolRequest { School = first }, Tokens.Header(InclusionRoles.Manager)).ResponseAsync);
    }

    [Fact]
    public async Task Contact_details_are_checked_when_given()
    {
        var school = ValidSchool("104012");
        school.Telephone = "12345";
        school.DslTelephone = "01902 55062x";
        school.DslEmail = "dsl@school";
        school.Laestab = "33640";

        await RpcAssert.InvalidFields(() => Create(school),
            "school.telephone", "school.dsl_telephone", "school.dsl_email", "school.laestab");
    }

    [Fact]
    public async Task A_page_token_the_service_did_not_issue_is_refused()
    {
        await RpcAssert.InvalidFields(() => _schools.ListSchoolsAsync(
            new ListSchoolsRequest { PageToken = "garbage!" }, Tokens.Header(InclusionRoles.Officer)).ResponseAsync, "page_token");
    }
}
