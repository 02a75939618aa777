using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using School = InclusionServices.Referrals.Schools.School;
using SchoolMessage = Inclusion.Referrals.V1.School;

namespace InclusionServices.Referrals.Schools;

/// <summary>gRPC surface of the school register: maps messages, checks roles, leaves rules to <see cref="School"/>.</summary>
public sealed class SchoolsApi(ReferralsDatabase database, TimeProvider time) : Inclusion.Referrals.V1.Schools.SchoolsBase
{
    private const string NamePrefix = "schools/";

    public override async Task<SchoolMessage> CreateSchool(CreateSchoolRequest request, ServerCallContext context)
    {
        var given = request.School ?? new SchoolMessage();
        var validation = new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(given.Urn), "school.urn", "must be 6 digits")
            .OptionalRequestId(request.RequestId);
        var details = ReadDetails(given, validation);
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("schools", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await database.Schools.AsNoTracking().SingleAsync(s => s.Urn == earlier, context.CancellationToken));
        }
        if (await database.Schools.AnyAsync(s => s.Urn == given.Urn, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"{NamePrefix}{given.Urn} is already registered."));
        }

        var now = time.GetUtcNow();
        var school = School.Register(given.Urn, details, now);
        database.Schools.Add(school);
        database.RememberCreate("schools", requestId, caller, school.Urn, now);
        database.RecordEvent(new SchoolRegistered { SchoolUrn = school.Urn, Phase = (Inclusion.Events.V1.SchoolPhase)school.Phase },
            NamePrefix + school.Urn, now);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(school);
    }

    public override async Task<SchoolMessage> UpdateSchool(UpdateSchoolRequest request, ServerCallContext context)
    {
        var given = request.School ?? new SchoolMessage();
        var urn = UrnOf(given.Name);
        var validation = new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(urn), "school.name", "must be schools/{urn} with a 6-digit URN")
            .Check(given.Urn.Length == 0 || given.Urn == urn, "school.urn", "cannot change: it identifies the school")
            .Check(uint.TryParse(given.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag), "school.etag",
                "must be the etag read with the school");
        var details = ReadDetails(given, validation);
        validation.ThrowIfInvalid();

        var school = await database.Schools.SingleOrDefaultAsync(s => s.Urn == urn, context.CancellationToken)
            ?? throw new RecordNotFoundException(given.Name);
        if (school.Version != etag)
        {
            throw new ConcurrentChangeException(given.Name);
        }
        // Also guards the moment between this read and the write: PostgreSQL checks xmin in the UPDATE itself.
        database.Entry(school).Property(s => s.Version).OriginalValue = etag;
        school.Update(details);
        database.RecordEvent(new SchoolUpdated { SchoolUrn = school.Urn, Phase = (Inclusion.Events.V1.SchoolPhase)school.Phase },
            NamePrefix + school.Urn, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(school);
    }

    public override async Task<SchoolMessage> GetSchool(GetSchoolRequest request, ServerCallContext context)
    {
        var urn = UrnOf(request.Name);
        new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(urn), "name", "must be schools/{urn} with a 6-digit URN")
            .ThrowIfInvalid();

        // A school user may read only its own school; any other is reported as not found, not forbidden,
        // so that a school cannot learn which URNs are registered.
        var school = InclusionClaims.MaySee(context.GetHttpContext().User, urn)
            ? await database.Schools.AsNoTracking().SingleOrDefaultAsync(s => s.Urn == urn, context.CancellationToken)
            : null;
        return school is null ? throw new RecordNotFoundException(request.Name) : ToMessage(school);
    }

    public override async Task<ListSchoolsResponse> ListSchools(ListSchoolsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var query = database.Schools.AsNoTracking();
        if (request.Phase != Phase.Unspecified)
        {
            var phase = (SchoolPhase)request.Phase;
            query = query.Where(s => s.Phase == phase);
        }
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

    private static string UrnOf(string name) =>
        name.StartsWith(NamePrefix, StringComparison.Ordinal) ? name[NamePrefix.Length..] : "";

    /// <summary>Checks and normalises the settable details, naming every offending field under "school.".</summary>
    private static SchoolDetails ReadDetails(SchoolMessage given, RequestValidation validation)
    {
        var postcode = SchoolIdentifiers.NormalisePostcode(given.Postcode);
        validation
            .RequireText(given.DisplayName, "school.display_name", School.MaxNameLength)
            .Check(given.Phase != Phase.Unspecified && System.Enum.IsDefined(given.Phase), "school.phase", "must be set")
            .Check(postcode is not null, "school.postcode", "must be a UK postcode such as WV2 4NE")
            .Check(given.Laestab.Length == 0 || PupilIdentifiers.IsLaestab(given.Laestab), "school.laestab", "must be 7 digits")
            .Check(given.Address.Length <= School.MaxAddressLength, "school.address", $"must be at most {School.MaxAddressLength} characters");
        foreach (var (value, field) in new[] { (given.HeadTeacher, "school.head_teacher"), (given.Sendco, "school.sendco"), (given.DslName, "school.dsl_name") })
        {
            validation.Check(value.Length <= School.MaxPersonNameLength, field, $"must be at most {School.MaxPersonNameLength} characters");
        }
        var telephone = validation.OptionalUkTelephone(given.Telephone, "school.telephone");
        var dslTelephone = validation.OptionalUkTelephone(given.DslTelephone, "school.dsl_telephone");
        var dslEmail = validation.OptionalEmail(given.DslEmail, "school.dsl_email");
        return new SchoolDetails(given.DisplayName, (SchoolPhase)given.Phase, postcode ?? "", ContactChecks.TextOrNull(given.Laestab),
            ContactChecks.TextOrNull(given.Address), telephone, ContactChecks.TextOrNull(given.HeadTeacher), ContactChecks.TextOrNull(given.Sendco),
            ContactChecks.TextOrNull(given.DslName), dslTelephone, dslEmail);
    }

    private static SchoolMessage ToMessage(School school) => new()
    {
        Name = NamePrefix + school.Urn,
        Urn = school.Urn,
        DisplayName = school.Name,
        Phase = (Phase)school.Phase,
        Postcode = school.Postcode,
        CreateTime = Timestamp.FromDateTimeOffset(school.CreatedAt),
        Etag = school.Version.ToString(CultureInfo.InvariantCulture),
        Laestab = school.Laestab ?? "",
        Address = school.Address ?? "",
        Telephone = school.Telephone ?? "",
        HeadTeacher = school.HeadTeacher ?? "",
        Sendco = school.Sendco ?? "",
        DslName = school.DslName ?? "",
        DslTelephone = school.DslTelephone ?? "",
        DslEmail = school.DslEmail ?? "",
    };
}
