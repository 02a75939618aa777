using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Inclusion.Options.V1;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Placements;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;

namespace InclusionServices.Tests.Platform;

/// <summary>
/// The role x RPC matrix, proved against the running services: every RPC that gRPC reflection lists on any of the
/// four services is called with no token and with a token of every role. A role the RPC's access option names gets
/// past authorisation; any other is PermissionDenied; no token is Unauthenticated. An RPC without a decision fails
/// here, and docs/security.md must show exactly this matrix.
/// </summary>
public sealed class AccessMatrixTests(
    ReferralsUnderTest referrals, MeetingsUnderTest meetings, PlacementsUnderTest placements, ReportingUnderTest reporting)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<MeetingsUnderTest>, IClassFixture<PlacementsUnderTest>,
      IClassFixture<ReportingUnderTest>
{
    private const string SchoolUrn = "109999";

    private IEnumerable<(string Service, GrpcChannel Channel)> Services() =>
    [
        ("referrals", referrals.Channel),
        ("meetings", meetings.Channel),
        ("placements", placements.Channel),
        ("reporting", reporting.Channel),
    ];

    [Fact]
    public async Task Every_rpc_admits_exactly_the_roles_its_proto_names_and_refuses_callers_without_a_token()
    {
        var problems = new List<string>();
        foreach (var (service, channel) in Services())
        {
            foreach (var method in await ReflectedApi.MethodsAsync(channel))
            {
                var allowed = AccessPolicy.RolesOf(method);
                if (allowed.Count == 0)
                {
                    problems.Add($"{service}: {method.FullName} has no (inclusion.options.v1.access) decision");
                }
                var anonymous = await ReflectedApi.CallAsync(channel, method, new Metadata());
                if (anonymous != StatusCode.Unauthenticated)
                {
                    problems.Add($"{service}: {method.FullName} without a token answered {anonymous}");
                }
                foreach (var role in InclusionRoles.All)
                {
                    var status = await ReflectedApi.CallAsync(channel, method, Tokens.Header(role, role == InclusionRoles.School ? SchoolUrn : null));
                    var admitted = status is not (StatusCode.PermissionDenied or StatusCode.Unauthenticated);
                    if (admitted != allowed.Contains(role))
                    {
                        problems.Add($"{service}: {method.FullName} as {role} answered {status}; the proto {(allowed.Contains(role) ? "admits" : "refuses")} {role}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public async Task The_matrix_in_docs_security_md_is_the_one_the_services_enforce()
    {
        var rows = new List<string>();
        foreach (var (service, channel) in Services())
        {
            foreach (var method in await ReflectedApi.MethodsAsync(channel))
            {
                var roles = AccessPolicy.RolesOf(method);
                var row = $"| {service} | `{method.Service.FullName}/{method.Name}` | " +
                    string.Join(" | ", InclusionRoles.All.Select(r => roles.Contains(r) ? "yes" : "")) + " |";
                if (!rows.Contains(row))
                {
                    rows.Add(row);
                }
            }
        }
        var expected = string.Join('\n', [
            "| service | RPC | " + string.Join(" | ", InclusionRoles.All) + " |",
            "| --- | --- | " + string.Join(" | ", InclusionRoles.All.Select(_ => "---")) + " |",
            .. rows]);

        var document = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "docs", "security.md"));
        var start = document.IndexOf("<!-- matrix:start -->", StringComparison.Ordinal);
        var end = document.IndexOf("<!-- matrix:end -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/security.md needs the markers <!-- matrix:start --> and <!-- matrix:end -->");
        var documented = document[(start + "<!-- matrix:start -->".Length)..end].Trim();
        Assert.True(documented == expected, "docs/security.md's matrix is out of date; it should read:\n" + expected);
    }
}

/// <summary>A service's API as gRPC reflection describes it, and calls to any of its methods with raw bytes.</summary>
public static class ReflectedApi
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private static readonly ExtensionRegistry Extensions = [OptionsExtensions.Access, OptionsExtensions.MaxLength, OptionsExtensions.MaxItems];

    /// <summary>Every method of every service the server lists, except the standard health and reflection services.</summary>
    public static async Task<IReadOnlyList<MethodDescriptor>> MethodsAsync(GrpcChannel channel)
    {
        var client = new ServerReflection.ServerReflectionClient(channel);
        using var call = client.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.ResponseStream.MoveNext(CancellationToken.None);
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)
            .Where(name => !name.StartsWith("grpc.", StringComparison.Ordinal))
            .ToList();
        var files = new Dictionary<string, ByteString>();
        foreach (var service in services)
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = service });
            await call.ResponseStream.MoveNext(CancellationToken.None);
            foreach (var file in call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto)
            {
                files.TryAdd(FileDescriptorProto.Parser.ParseFrom(file).Name, file);
            }
        }
        await call.RequestStream.CompleteAsync();

        var built = FileDescriptor.BuildFromByteStrings(InDependencyOrder(files), Extensions);
        return [.. services.SelectMany(name => built.SelectMany(f => f.Services).First(s => s.FullName == name).Methods)];
    }

    /// <summary>Calls the method with an empty request (a client stream is closed at once) and returns the status.</summary>
    public static async Task<StatusCode> CallAsync(GrpcChannel channel, MethodDescriptor method, Metadata headers) =>
        (await CallAsync(channel, method, headers, [])).StatusCode;

    /// <summary>Calls the method with these request bytes (sent once on a client stream) and returns the status.</summary>
    public static async Task<Status> CallAsync(GrpcChannel channel, MethodDescriptor method, Metadata headers, byte[] request) =>
        (await CallWithFieldsAsync(channel, method, headers, request)).Status;

    /// <summary>As <see cref="CallAsync(GrpcChannel, MethodDescriptor, Metadata, byte[])"/>, with the fields an INVALID_ARGUMENT names (google.rpc.BadRequest).</summary>
    public static async Task<(Status Status, IReadOnlyList<string> InvalidFields)> CallWithFieldsAsync(GrpcChannel channel, MethodDescriptor method,
        Metadata headers, byte[] request)
    {
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            _ => MethodType.DuplexStreaming,
        };
        var rpc = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, Bytes, Bytes);
        var invoker = channel.CreateCallInvoker();
        var options = new CallOptions(headers, DateTime.UtcNow.AddSeconds(30));
        try
        {
            switch (type)
            {
                case MethodType.Unary:
                    await invoker.AsyncUnaryCall(rpc, null, options, request);
                    break;
                case MethodType.ServerStreaming:
                    using (var call = invoker.AsyncServerStreamingCall(rpc, null, options, request))
                    {
                        while (await call.ResponseStream.MoveNext(CancellationToken.None))
                        {
                        }
                    }
                    break;
                default:
                    using (var call = invoker.AsyncClientStreamingCall(rpc, null, options))
                    {
                        try
                        {
                            if (request.Length > 0)
                            {
                                await call.RequestStream.WriteAsync(request);
                            }
                            await call.RequestStream.CompleteAsync();
                        }
                        catch (RpcException)
                        {
                            // The server answered while the request was still being sent (e.g. refusing its size); the
                            // writer only sees the stream end. The server's own status is the answer, read below.
                        }
                        await call.ResponseAsync;
                    }
                    break;
            }
            return (Status.DefaultSuccess, []);
        }
        catch (RpcException error)
        {
            var badRequest = error.GetRpcStatus()?.GetDetail<Google.Rpc.BadRequest>();
            return (error.Status, badRequest is null ? [] : [.. badRequest.FieldViolations.Select(v => v.Field)]);
        }
    }

    private static IEnumerable<ByteString> InDependencyOrder(Dictionary<string, ByteString> files)
    {
        var ordered = new List<ByteString>();
        var done = new HashSet<string>();
        void Visit(string name)
        {
            if (!done.Add(name) || !files.TryGetValue(name, out var file))
            {
                return;
            }
            foreach (var dependency in FileDescriptorProto.Parser.ParseFrom(file).Dependency)
            {
                Visit(dependency);
            }
            ordered.Add(file);
        }
        foreach (var name in files.Keys.Order(StringComparer.Ordinal))
        {
            Visit(name);
        }
        return ordered;
    }
}
