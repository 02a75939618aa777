using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Placements;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;

namespace InclusionServices.Tests.Platform;

/// <summary>
/// The API as HTTP/JSON, as a browser front-end calls it with a plain HTTP client: the transcoded paths of the protos'
/// google.api.http rules, the same tokens and access policy, errors as google.rpc.Status JSON, and an OpenAPI document
/// and reference page per service.
/// </summary>
public sealed class HttpApiTests(ReferralsUnderTest referrals, MeetingsUnderTest meetings, PlacementsUnderTest placements, ReportingUnderTest reporting)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<MeetingsUnderTest>, IClassFixture<PlacementsUnderTest>, IClassFixture<ReportingUnderTest>
{
    private static HttpRequestMessage Request(HttpMethod method, string path, string? role, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (role is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(role, role == InclusionRoles.School ? "650001" : null));
        }
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        return request;
    }

    [Fact]
    public async Task A_school_is_created_read_and_listed_over_http_json_with_the_grpc_rules_and_errors()
    {
        using var http = referrals.CreateClient();

        var anonymous = await http.SendAsync(Request(HttpMethod.Get, "/v1/schools", role: null));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var forbidden = await http.SendAsync(Request(HttpMethod.Post, "/v1/schools", InclusionRoles.Analyst, """{"school": {}}"""));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var invalid = await http.SendAsync(Request(HttpMethod.Post, "/v1/schools", InclusionRoles.Manager,
            """{"school": {"urn": "12", "displayName": "", "phase": "PHASE_PRIMARY"}}"""));
        Assert.True(invalid.StatusCode == HttpStatusCode.BadRequest, $"{invalid.StatusCode}: {await invalid.Content.ReadAsStringAsync()}");
        using (var status = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync()))
        {
            Assert.Equal(3, status.RootElement.GetProperty("code").GetInt32()); // INVALID_ARGUMENT
            var violations = status.RootElement.GetProperty("details").EnumerateArray()
                .Single(d => d.GetProperty("@type").GetString()!.EndsWith("google.rpc.BadRequest", StringComparison.Ordinal))
                .GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()).ToList();
            Assert.Contains("school.urn", violations);
        }

        var created = await http.SendAsync(Request(HttpMethod.Post, "/v1/schools", InclusionRoles.Manager,
            """{"school": {"urn": "650001", "displayName": "Oak Hill Primary", "phase": "PHASE_PRIMARY", "postcode": "WV1 1AA"}}"""));
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var read = await http.SendAsync(Request(HttpMethod.Get, "/v1/schools/650001", InclusionRoles.School));
        using (var school = JsonDocument.Parse(await read.Content.ReadAsStringAsync()))
        {
            Assert.Equal(("schools/650001", "Oak Hill Primary"), (school.RootElement.GetProperty("name").GetString(), school.RootElement.GetProperty("displayName").GetString()));
        }
        var listed = await http.SendAsync(Request(HttpMethod.Get, "/v1/schools?phase=PHASE_PRIMARY&pageSize=5", InclusionRoles.Officer));
        Assert.Contains("\"urn\":\"650001\"", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A resource-name rule is documented as the URL a caller builds: the id in place of the wildcard.
        using var document = JsonDocument.Parse(await http.GetStringAsync(HttpApi.OpenApiPath));
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.GetProperty("/v1/schools/{name}").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/v1/schools/{school.name}").TryGetProperty("patch", out _));
        Assert.True(paths.GetProperty("/v1/referrals/{name}:submit").TryGetProperty("post", out _));
    }

    [Fact]
    public async Task Every_service_answers_a_transcoded_get_and_lists_it_in_its_openapi_document_with_a_reference_page()
    {
        foreach (var (http, path, openApiPath) in new[]
        {
            (referrals.CreateClient(), "/v1/schools", "/v1/schools"),
            (meetings.CreateClient(), "/v1/panelSittings?phase=PANEL_PHASE_SECONDARY", "/v1/panelSittings"),
            (placements.CreateClient(), "/v1/providers", "/v1/providers"),
            (reporting.CreateClient(), "/v1/reports/preventionSummary?schoolYearStart=2019", "/v1/reports/preventionSummary"),
        })
        {
            using (http)
            {
                var answer = await http.SendAsync(Request(HttpMethod.Get, path, InclusionRoles.Manager));
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{path}: {answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
                Assert.Equal("application/json", answer.Content.Headers.ContentType?.MediaType);
                JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).Dispose();

                var openApi = await http.GetAsync(HttpApi.OpenApiPath);
                Assert.True(openApi.StatusCode == HttpStatusCode.OK, $"{HttpApi.OpenApiPath}: {openApi.StatusCode} {await openApi.Content.ReadAsStringAsync()}");
                using var document = JsonDocument.Parse(await openApi.Content.ReadAsStringAsync());
                Assert.True(document.RootElement.GetProperty("paths").TryGetProperty(openApiPath, out var operations), $"{openApiPath} is in the OpenAPI document");
                Assert.True(operations.TryGetProperty("get", out _));

                var reference = await http.GetAsync(HttpApi.ReferencePath);
                Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
                Assert.Equal("text/html", reference.Content.Headers.ContentType?.MediaType);
            }
        }
    }
}
