using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using School = InclusionServices.Referrals.Schools.School;
using SchoolMessage = Inclusion.Referrals.V1.School;

namespace InclusionServices.Referrals.Schools;

/// <summary>gRPC surface of the school register: maps messages, checks roles, leaves rules to <see cref="School"/>.</summary>
public sealed class SchoolsApi(ReferralsDatabase database, TimeProvider time) : Inclusion.Referrals.V1.Schools.SchoolsBase
{
    private const string NamePrefix = "schools/";

    [Authorize(Roles = InclusionRoles.Manager)]
    public override async Task<SchoolMessage> CreateSchool(CreateSchoolRequest request, ServerCallContext context)
    {
        var given = request.School ?? new SchoolMessage();
        var postcode = SchoolIdentifiers.NormalisePostcode(given.Postcode);
        new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(given.Urn), "school.urn", "must be 6 digits")
            .RequireText(given.DisplayName, "school.display_name", School.MaxNameLength)
            .Check(given.Phase != Phase.Unspecified && System.Enum.IsDefined(given.Phase), "school.phase", "must be set")
            .Check(postcode is not null, "school.postcode", "must be a UK postcode such as WV2 4NE")
            .OptionalRequestId(request.RequestId)
            .ThrowIfInvalid();

        Guid? requestId = string.IsNullOrEmpty(request.RequestId) ? null : Guid.Parse(request.RequestId);
        if (requestId is not null)
        {
            var earlier = await database.Schools.AsNoTracking()
                .SingleOrDefaultAsync(s => s.CreateRequestId == requestId, context.CancellationToken);
            if (earlier is not null)
            {
                return ToMessage(earlier);
            }
        }
        if (await database.Schools.AnyAsync(s => s.Urn == given.Urn, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"{NamePrefix}{given.Urn} is already registered."));
        }

        var now = time.GetUtcNow();
        var school = School.Register(given.Urn, given.DisplayName, (SchoolPhase)given.Phase, postcode!, requestId, now);
        database.Schools.Add(school);
        database.RecordEvent(new SchoolRegistered { SchoolUrn = school.Urn, Phase = (Inclusion.Events.V1.SchoolPhase)school.Phase },
            NamePrefix + school.Urn, now);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(school);
    }

    [Authorize(Roles = $"{InclusionRoles.Officer},{InclusionRoles.Manager},{InclusionRoles.Service},{InclusionRoles.School}")]
    public override async Task<SchoolMessage> GetSchool(GetSchoolRequest request, ServerCallContext context)
    {
        var urn = request.Name.StartsWith(NamePrefix, StringComparison.Ordinal) ? request.Name[NamePrefix.Length..] : "";
        new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(urn), "name", "must be schools/{urn} with a 6-digit URN")
            .ThrowIfInvalid();

        // A school user may read only its own school; any other is reported as not found, not forbidden,
        // so that a school cannot learn which URNs are registered.
        var ownSchool = InclusionClaims.SchoolUrnOf(context.GetHttpContext().User);
        var school = ownSchool is null || ownSchool == urn
            ? await database.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Urn == urn, context.CancellationToken)
            : null;
        return school is null ? throw new RecordNotFoundException(request.Name) : ToMessage(school);
    }

    [Authorize(Roles = $"{InclusionRoles.Officer},{InclusionRoles.Manager},{InclusionRoles.Service}")]
    public override async Task<ListSchoolsResponse> ListSchools(ListSchoolsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var query = database.Schools.AsNoTracking();
        if (page.After is not null)
        {
            query = query.Where(s => string.Compare(s.Urn, page.After) > 0);
        }
        var fetched = await query.OrderBy(s => s.Urn).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, s => s.Urn);
        var response = new ListSchoolsResponse { NextPageToken = next };
        response.Schools.AddRange(items.Select(ToMessage));
        return response;
    }

    private static SchoolMessage ToMessage(School school) => new()
    {
        Name = NamePrefix + school.Urn,
        Urn = school.Urn,
        DisplayName = school.Name,
        Phase = (Phase)school.Phase,
        Postcode = school.Postcode,
        CreateTime = Timestamp.FromDateTimeOffset(school.CreatedAt),
        Etag = school.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
