using FsCheck;
using FsCheck.Fluent;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using InclusionServices.ServiceDefaults;
using InclusionServices.Tests.Meetings;
using InclusionServices.Tests.Placements;
using InclusionServices.Tests.Referrals;
using InclusionServices.Tests.Reporting;

namespace InclusionServices.Tests.Platform;

/// <summary>
/// Generated bad input for every RPC the four services list through reflection: every field of the request set, or
/// not, to values a careless or hostile client sends (empty, oversized and malformed strings and identifiers, negative,
/// huge and unknown numbers and enum values, impossible dates and times). Whatever comes, the answer is a status the
/// caller can act on, never INTERNAL or UNKNOWN, and an INVALID_ARGUMENT names the offending fields. The requests are
/// generated with FsCheck; a failure prints the request's bytes (base64) so it can be replayed. Bytes that are not a
/// protobuf message at all are INVALID_ARGUMENT and a message over the size limit RESOURCE_EXHAUSTED, for every RPC too.
/// </summary>
public sealed class BadInputTests(
    ReferralsUnderTest referrals, MeetingsUnderTest meetings, PlacementsUnderTest placements, ReportingUnderTest reporting)
    : IClassFixture<ReferralsUnderTest>, IClassFixture<MeetingsUnderTest>, IClassFixture<PlacementsUnderTest>,
      IClassFixture<ReportingUnderTest>
{
    private const int RequestsPerRpc = 20;
    private static readonly StatusCode[] NeverAnswered = [StatusCode.Internal, StatusCode.Unknown, StatusCode.DataLoss, StatusCode.Unimplemented];

    private static readonly string[] BadStrings =
    [
        "", " ", new string('x', 5000), "pupils/not-an-id", "referrals/00000000-0000-0000-0000-000000000000", "exclusions/../../etc",
        "\u0000\uFFFF\uD800", "'; DROP TABLE pupils; --", "999999999999", "2025-13-45", "schools/1", "FIXD", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    ];

    private static readonly long[] BadNumbers = [0, -1, 1, 13, 99, 100_000, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue];

    [Fact]
    public async Task Every_rpc_answers_generated_bad_requests_with_a_status_the_caller_can_act_on()
    {
        var problems = new List<string>();
        foreach (var (channel, database) in Services)
        {
            foreach (var method in await ReflectedApi.MethodsAsync(channel))
            {
                var headers = HeadersFor(method);
                var requests = Gen.Sample(Request(method.InputType, depth: 0), RequestsPerRpc);
                foreach (var request in requests)
                {
                    var before = await database.CountAsync();
                    var (status, fields) = await ReflectedApi.CallWithFieldsAsync(channel, method, headers, request);
                    if (status.StatusCode != StatusCode.OK && await database.CountAsync() is var after && after != before)
                    {
                        problems.Add($"{method.FullName} refused ({status.StatusCode}) but left rows ({before} before, {after} after) for {Convert.ToBase64String(request)}");
                    }
                    if (NeverAnswered.Contains(status.StatusCode))
                    {
                        problems.Add($"{method.FullName} answered {status.StatusCode} ({status.Detail}) to {Convert.ToBase64String(request)}");
                    }
                    else if (status.StatusCode == StatusCode.InvalidArgument && fields.Count == 0)
                    {
                        problems.Add($"{method.FullName} answered INVALID_ARGUMENT naming no field ({status.Detail}) to {Convert.ToBase64String(request)}");
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
    }

    [Fact]
    public async Task Every_rpc_answers_bytes_that_are_not_a_message_with_invalid_argument_and_oversized_ones_with_resource_exhausted()
    {
        byte[][] malformed =
        [
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], // a tag longer than any varint may be
            [0x0A, 0x7F, 0x61], // field 1 says 127 bytes follow; one does
            [0x0F], // wire type 7 does not exist
        ];
        var oversized = new byte[Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.MaxReceiveMessageSize + 16];
        (oversized[0], oversized[1], oversized[2], oversized[3], oversized[4]) = (0x0A, 0x8B, 0x80, 0x40, 0x61); // field 1, ~1 MiB, of 'a' and NULs
        var problems = new List<string>();
        foreach (var (channel, database) in Services)
        {
            var before = await database.CountAsync();
            foreach (var method in await ReflectedApi.MethodsAsync(channel))
            {
                var headers = HeadersFor(method);
                foreach (var request in malformed)
                {
                    var status = await ReflectedApi.CallAsync(channel, method, headers, request);
                    if (status.StatusCode != StatusCode.InvalidArgument || !status.Detail.Contains(method.FullName, StringComparison.Ordinal))
                    {
                        problems.Add($"{method.FullName} answered {status.StatusCode} ({status.Detail}) to {Convert.ToBase64String(request)}");
                    }
                }
                var huge = await ReflectedApi.CallAsync(channel, method, headers, oversized);
                if (huge.StatusCode != StatusCode.ResourceExhausted)
                {
                    problems.Add($"{method.FullName} answered {huge.StatusCode} ({huge.Detail}) to a message over the size limit");
                }
            }
            if (await database.CountAsync() is var after && after != before)
            {
                problems.Add($"Refused messages left rows in {database}: {before} before, {after} after");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(40)));
    }

    private IEnumerable<(GrpcChannel Channel, TableCounts Database)> Services =>
    [
        (referrals.Channel, new TableCounts(referrals.DatabaseConnectionString)), (meetings.Channel, new TableCounts(meetings.DatabaseConnectionString)),
        (placements.Channel, new TableCounts(placements.DatabaseConnectionString)), (reporting.Channel, new TableCounts(reporting.DatabaseConnectionString)),
    ];

    /// <summary>
    /// The rows of every table of a service's database, as one comparable text, to show that a refused request left
    /// nothing behind. The audit trail is left out: an attempt that was refused may rightly be written down there.
    /// </summary>
    private sealed class TableCounts(string connectionString)
    {
        private string? _query;

        public async Task<string> CountAsync()
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            if (_query is null)
            {
                var tables = new List<string>();
                await using (var list = new Npgsql.NpgsqlCommand($"""
                    SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('{AuditTrail.TableName}', '__EFMigrationsHistory')
                    ORDER BY tablename
                    """, connection))
                await using (var reader = await list.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        tables.Add(reader.GetString(0));
                    }
                }
                _query = "SELECT concat_ws(', ', " + string.Join(", ", tables.Select(t => $"'{t} ' || (SELECT count(*) FROM \"{t}\")")) + ")";
            }
            await using var count = new Npgsql.NpgsqlCommand(_query, connection);
            return (string)(await count.ExecuteScalarAsync())!;
        }

        public override string ToString() => new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database ?? connectionString;
    }

    /// <summary>A token of a role the RPC admits, so the request reaches validation (a manager's where it may).</summary>
    private static Metadata HeadersFor(MethodDescriptor method)
    {
        var roles = AccessPolicy.RolesOf(method);
        var role = roles.Contains(InclusionRoles.Manager) ? InclusionRoles.Manager : roles.FirstOrDefault() ?? InclusionRoles.Manager;
        return Tokens.Header(role, role == InclusionRoles.School ? "109999" : null);
    }

    /// <summary>A request of the given type, each field set (or not) to a bad value, encoded as protobuf.</summary>
    private static Gen<byte[]> Request(MessageDescriptor type, int depth)
    {
        var fields = type.Fields.InFieldNumberOrder().Select(field => Field(field, depth)).ToList();
        return fields.Count == 0
            ? Gen.Constant(Array.Empty<byte>())
            : Gen.CollectToArray(fields).Select(parts => parts.SelectMany(p => p).ToArray());
    }

    private static Gen<byte[]> Field(FieldDescriptor field, int depth)
    {
        var one = Value(field, depth);
        var set = field.IsRepeated
            ? Gen.Choose(0, 3).SelectMany(count => Gen.ListOf(one, count)).Select(values => values.SelectMany(v => v).ToArray())
            : one;
        return Gen.Frequency((1, Gen.Constant(Array.Empty<byte>())), (3, set));
    }

    private static Gen<byte[]> Value(FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => Gen.Elements(BadStrings).Select(s => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited); o.WriteString(s); })),
        FieldType.Bytes => Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>()).Select(b => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(b)); })),
        FieldType.Bool => Gen.Elements(true, false).Select(b => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.Varint); o.WriteBool(b); })),
        FieldType.Double => Gen.Elements(double.NaN, double.PositiveInfinity, -1.0, 1e308).Select(d => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.Fixed64); o.WriteDouble(d); })),
        FieldType.Float => Gen.Elements(float.NaN, float.NegativeInfinity, -1f).Select(f => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.Fixed32); o.WriteFloat(f); })),
        FieldType.Message when depth < 2 => Request(field.MessageType, depth + 1)
            .Select(nested => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited); o.WriteBytes(ByteString.CopyFrom(nested)); })),
        FieldType.Message => Gen.Constant(Array.Empty<byte>()),
        FieldType.Group => Gen.Constant(Array.Empty<byte>()),
        // Integers and enum values alike: a varint, including numbers no enum defines.
        _ => Gen.Elements(BadNumbers).Select(n => Encode(o => { o.WriteTag(field.FieldNumber, WireFormat.WireType.Varint); o.WriteInt64(n); })),
    };

    private static byte[] Encode(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }
        return buffer.ToArray();
    }
}
