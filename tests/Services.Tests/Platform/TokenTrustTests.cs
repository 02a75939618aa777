extern alias ReferralsService;

using System.Security.Claims;
using System.Text.Json.Nodes;
using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Referrals;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SchoolsApi = ReferralsService::InclusionServices.Referrals.Schools.SchoolsApi;

namespace InclusionServices.Tests.Platform;

/// <summary>A Referrals service started with the given token settings and environment; it may refuse to start.</summary>
public sealed class ReferralsConfiguredAs(string environment, Dictionary<string, string?> authentication) : WebApplicationFactory<SchoolsApi>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:referralsdb", TestServers.NewDatabase("token_trust"));
        builder.UseSetting("ConnectionStrings:rabbitmq", TestServers.RabbitMq);
        foreach (var (key, value) in authentication)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>
/// Hole 1: the committed development key was trusted everywhere, even beside a real identity provider. Hole 2: a
/// school token without a URN listed every school's records.
/// </summary>
public sealed class TokenTrustTests(ReferralsUnderTest service) : IClassFixture<ReferralsUnderTest>, IAsyncLifetime
{
    private const string Ours = "605001";
    private const string Theirs = "605002";

    public async Task InitializeAsync()
    {
        await ReferralsData.RegisterSchoolAsync(service.Channel, Ours);
        await ReferralsData.RegisterSchoolAsync(service.Channel, Theirs);
        await ReferralsData.NewPupilAsync(service.Channel, Ours, 1);
        await ReferralsData.NewPupilAsync(service.Channel, Theirs, 2);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void A_service_refuses_to_start_with_both_a_signing_key_and_an_identity_provider()
    {
        using var both = new ReferralsConfiguredAs("Development", new(Tokens.ServiceSettings)
        {
            ["Authentication:Authority"] = "https://login.example.org/council",
        });
        var error = Assert.ThrowsAny<Exception>(() => both.Server);
        Assert.Contains("never both", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Outside_a_local_run_a_signing_key_is_refused()
    {
        using var production = new ReferralsConfiguredAs("Production", Tokens.ServiceSettings);
        var error = Assert.ThrowsAny<Exception>(() => production.Server);
        Assert.Contains("local runs and tests only", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void No_signing_key_is_committed_with_the_app_host()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "AppHost", "appsettings.json")))!;
        Assert.Null(settings["Authentication"]?["SigningKey"]);
        Assert.DoesNotContain("SigningKey", File.ReadAllText(Path.Combine(Repository.Root, "AppHost", "Properties", "launchSettings.json")),
            StringComparison.Ordinal);
    }

    public static TheoryData<string, Claim[]> TokensAnIdentityProviderShouldNeverIssue => new()
    {
        { "a school token without a URN", [new("sub", "mapping-mistake"), new("role", "school")] },
        { "a school token with a malformed URN", [new("sub", "mapping-mistake"), new("role", "school"), new("urn", "all")] },
        { "a school token that also claims a council role", [new("sub", "mixed"), new("role", "school"), new("role", "officer"), new("urn", Ours)] },
        { "a token without a subject", [new("role", "officer")] },
    };

    [Theory]
    [MemberData(nameof(TokensAnIdentityProviderShouldNeverIssue))]
    public async Task Such_a_token_is_refused_everywhere(string what, Claim[] claims)
    {
        var header = Tokens.HeaderWithClaims(claims);
        var pupils = new Pupils.PupilsClient(service.Channel);
        var referrals = new Inclusion.Referrals.V1.Referrals.ReferralsClient(service.Channel);
        var exclusions = new Exclusions.ExclusionsClient(service.Channel);

        foreach (var call in new Func<Task>[]
        {
            () => pupils.ListPupilsAsync(new ListPupilsRequest(), header).ResponseAsync,
            () => referrals.ListReferralsAsync(new ListReferralsRequest(), header).ResponseAsync,
            () => exclusions.ListExclusionsAsync(new ListExclusionsRequest(), header).ResponseAsync,
        })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.True(error.StatusCode == StatusCode.Unauthenticated, $"{what}: {error.StatusCode}");
        }
    }

    [Fact]
    public async Task A_proper_school_token_lists_only_its_own_pupils()
    {
        var listed = await new Pupils.PupilsClient(service.Channel).ListPupilsAsync(new ListPupilsRequest(), Tokens.Header(InclusionRoles.School, Ours));
        Assert.NotEmpty(listed.Pupils);
        Assert.All(listed.Pupils, p => Assert.Equal(Ours, p.SchoolUrn));
    }
}

public static class Repository
{
    /// <summary>The repository's root folder (where InclusionServices.sln is), found from the test's output folder.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "InclusionServices.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (InclusionServices.sln) is not above the test's folder.");
    }
}
