using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace InclusionServices.Bench;

/// <summary>What the benchmarks share: ports, their own databases, and tokens.</summary>
public static class BenchSupport
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Makes a database of the benchmark's own once; later runs find it.</summary>
    public static async Task CreateDatabaseIfMissingAsync(string postgres, string name)
    {
        await using var admin = new NpgsqlConnection(postgres);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{name}'", admin);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>Bearer tokens signed with a key the services trust, as the suite's identity provider would issue them.</summary>
public sealed record BenchTokens(string Key, string Issuer, string Audience)
{
    /// <summary>The local run's key (.local/run/signing-key) and the app host's issuer and audience, as tools/mint-token.cs uses them.</summary>
    public static BenchTokens LocalRun(string repository)
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(repository, "AppHost", "appsettings.json")))!["Authentication"]!;
        var key = File.ReadAllText(Path.Combine(repository, ".local", "run", "signing-key")).Trim();
        return new BenchTokens(key, (string)settings["Issuer"]!, (string)settings["Audience"]!);
    }

    public Metadata Header(string role, string? urn = null)
    {
        var claims = new List<Claim> { new("sub", $"bench-{role}"), new("role", role) };
        if (urn is not null)
        {
            claims.Add(new Claim("urn", urn));
        }
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer, Audience = Audience, Subject = new ClaimsIdentity(claims), Expires = DateTime.UtcNow.AddHours(2),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
        });
        return new Metadata { { "Authorization", "Bearer " + token } };
    }
}
