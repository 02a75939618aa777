#:property PublishAot=false
// Mints a bearer token for a local run of the suite, signed with the key the app host made for this machine
// (.local/run/signing-key, beside the local data; never committed). Never valid against a council deployment,
// which trusts only its identity provider, nor before ./run.sh has made the key.
//
//   dotnet run tools/mint-token.cs -- officer
//   dotnet run tools/mint-token.cs -- school 123456
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

string[] roles = ["school", "officer", "manager", "analyst", "service"];
if (args.Length is < 1 or > 2 || !roles.Contains(args[0]) || (args[0] == "school") != (args.Length == 2))
{
    Console.Error.WriteLine("usage: mint-token.cs ROLE [URN]   ROLE: " + string.Join(" | ", roles) +
        "; a school token needs the school's 6-digit URN, other roles take none");
    return 2;
}

var directory = new DirectoryInfo(Directory.GetCurrentDirectory());
while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "InclusionServices.sln")))
{
    directory = directory.Parent;
}
if (directory is null)
{
    Console.Error.WriteLine("Run this from inside the repository.");
    return 2;
}
var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(directory.FullName, "AppHost", "appsettings.json")))!["Authentication"]!;
var keyFile = Path.Combine(directory.FullName, ".local", "run", "signing-key");
if (!File.Exists(keyFile))
{
    Console.Error.WriteLine($"No local signing key at {keyFile}: start the suite once with ./run.sh, which makes it.");
    return 2;
}

static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
var claims = new Dictionary<string, object>
{
    ["iss"] = settings["Issuer"]!.GetValue<string>(),
    ["aud"] = settings["Audience"]!.GetValue<string>(),
    ["sub"] = $"local-{args[0]}",
    ["role"] = args[0],
    ["iat"] = now,
    ["nbf"] = now,
    ["exp"] = now + 8 * 3600,
};
if (args.Length == 2)
{
    claims["urn"] = args[1];
}
var header = Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""));
var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
var key = Encoding.UTF8.GetBytes(File.ReadAllText(keyFile).Trim());
var signature = Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{header}.{payload}")));
Console.WriteLine($"{header}.{payload}.{signature}");
return 0;
