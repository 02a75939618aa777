using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Inclusion.Audit.V1;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InclusionServices.ServiceDefaults;

public static class AuditActions
{
    public const string Read = "read";
    public const string Changed = "changed";
    /// <summary>A service's event history was streamed.</summary>
    public const string Replayed = "replayed";
    /// <summary>Something was asked that was refused but is worth knowing of (a pupil already known to another school).</summary>
    public const string Attempted = "attempted";
}

/// <summary>One read or change of pupil data (or one replay of events), by whom, in which call, and when.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public string User { get; set; } = "";
    public string Role { get; set; } = "";
    public string? SchoolUrn { get; set; }
    public string Action { get; set; } = "";
    public string Resource { get; set; } = "";
    public Guid? PupilId { get; set; }
    public string Rpc { get; set; } = "";
    public string TraceId { get; set; } = "";
}

/// <summary>
/// Pupil records hold special-category data, so every service that holds any writes down each read and change with
/// who made it, their role and school, the RPC and the trace (DOMAIN: data protection). A change's entry joins the
/// change's own unit of work; reads are committed before the call is answered (in groups, <see cref="ReadAuditWriter"/>),
/// so a read that cannot be audited fails. The table refuses updates and deletes (a trigger made by each service's migration).
/// </summary>
public sealed class AuditTrail(DbContext database, ReadAuditWriter reads, IHttpContextAccessor http, TimeProvider time)
{
    public const string TableName = "audit_entries";

    /// <summary>Made by each service's migration: the audit table takes inserts only.</summary>
    public const string AppendOnlySql = """
        CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit entries are append-only';
        END $$;
        CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entries
          FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
        """;

    /// <summary>Adds an entry to the current unit of work (saved with the change it describes).</summary>
    public void Note(string action, Guid? pupilId, string resource) => database.Set<AuditEntry>().Add(Entry(action, pupilId, resource));

    private AuditEntry Entry(string action, Guid? pupilId, string resource)
    {
        var context = http.HttpContext;
        var user = context?.User ?? new ClaimsPrincipal();
        return new AuditEntry
        {
            At = time.GetUtcNow(),
            User = InclusionClaims.CallerOf(user) is { Length: > 0 } caller ? caller : "(unknown)",
            Role = string.Join(',', user.FindAll(InclusionClaims.Role).Select(c => c.Value)),
            SchoolUrn = InclusionClaims.SchoolUrnOf(user),
            Action = action,
            Resource = resource,
            PupilId = pupilId,
            Rpc = context?.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method.FullName ?? context?.Request.Path.Value ?? "",
            TraceId = Activity.Current?.TraceId.ToString() ?? "",
        };
    }

    /// <summary>Writes down reads now: a read has no unit of work of its own, and must not be answered unaudited.</summary>
    public Task NoteReadsAsync(IEnumerable<(Guid PupilId, string Resource)> read, CancellationToken cancellationToken) =>
        reads.WriteAsync([.. read.Select(r => Entry(AuditActions.Read, r.PupilId, r.Resource))], cancellationToken);

    /// <summary>Entries newest first, for a pupil or a user, a page at a time.</summary>
    public static async Task<(IReadOnlyList<AuditEntry> Entries, string NextPageToken)> ListAsync(DbContext database,
        Guid? pupilId, string? user, PageRequest page, CancellationToken cancellationToken)
    {
        long? before = page.After is null ? null
            : long.TryParse(page.After, NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last
            : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
        var query = database.Set<AuditEntry>().AsNoTracking();
        query = pupilId is { } pupil ? query.Where(a => a.PupilId == pupil) : query.Where(a => a.User == user);
        if (before is not null)
        {
            query = query.Where(a => a.Id < before);
        }
        var fetched = await query.OrderByDescending(a => a.Id).Take(page.FetchSize).ToListAsync(cancellationToken);
        return page.Cut(fetched, a => a.Id.ToString(CultureInfo.InvariantCulture));
    }

    public static ModelBuilder AddAuditEntries(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditEntry>(entry =>
        {
            entry.ToTable(TableName);
            entry.HasKey(a => a.Id);
            entry.Property(a => a.Id).UseIdentityAlwaysColumn();
            entry.Property(a => a.User).HasMaxLength(200);
            entry.Property(a => a.Role).HasMaxLength(100);
            entry.Property(a => a.SchoolUrn).HasMaxLength(6);
            entry.Property(a => a.Action).HasMaxLength(16);
            entry.Property(a => a.Resource).HasMaxLength(200);
            entry.Property(a => a.Rpc).HasMaxLength(200);
            entry.Property(a => a.TraceId).HasMaxLength(32);
            // A manager asks by pupil or by user, newest first.
            entry.HasIndex(a => new { a.PupilId, a.Id });
            entry.HasIndex(a => new { a.User, a.Id });
        });
        return modelBuilder;
    }
}

/// <summary>Serves a service's audit trail to managers, by pupil or by user.</summary>
public sealed class AuditTrailApi<TDatabase>(TDatabase database) : Inclusion.Audit.V1.AuditTrail.AuditTrailBase
    where TDatabase : DbContext
{
    public override async Task<ListAuditEntriesResponse> ListAuditEntries(ListAuditEntriesRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check((request.Pupil.Length > 0) != (request.User.Length > 0), "pupil", "give a pupil or a user, not both");
        Guid? pupilId = request.Pupil.Length > 0 ? validation.ResourceId(request.Pupil, "pupils/", "pupil") : null;
        validation.ThrowIfInvalid();

        var (entries, next) = await AuditTrail.ListAsync(database, pupilId, request.User, page, context.CancellationToken);
        var response = new ListAuditEntriesResponse { NextPageToken = next };
        response.Entries.AddRange(entries.Select(a => new Inclusion.Audit.V1.AuditEntry
        {
            Time = Timestamp.FromDateTimeOffset(a.At),
            User = a.User,
            Role = a.Role,
            SchoolUrn = a.SchoolUrn ?? "",
            Action = a.Action,
            Resource = a.Resource,
            Pupil = a.PupilId is { } pupil ? "pupils/" + pupil : "",
            Rpc = a.Rpc,
            TraceId = a.TraceId,
        }));
        return response;
    }
}

public static class AuditTrailRegistration
{
    /// <summary>Every service's audit trail writes to its own database.</summary>
    public static IServiceCollection AddAuditTrail<TDatabase>(this IServiceCollection services) where TDatabase : DbContext =>
        services.AddHttpContextAccessor()
            .AddSingleton(provider => new ReadAuditWriter(provider.GetRequiredService<IServiceScopeFactory>(), typeof(TDatabase)))
            .AddScoped(provider => new AuditTrail(provider.GetRequiredService<TDatabase>(), provider.GetRequiredService<ReadAuditWriter>(),
                provider.GetRequiredService<IHttpContextAccessor>(), provider.GetRequiredService<TimeProvider>()));
}
