using System.Globalization;
using Grpc.Core;
using Inclusion.Referrals.V1;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using AttachedReportMessage = Inclusion.Referrals.V1.AttachedReport;
using CarerMessage = Inclusion.Referrals.V1.Carer;
using DiagnosisMessage = Inclusion.Referrals.V1.Diagnosis;
using PupilMessage = Inclusion.Referrals.V1.Pupil;
using SocialWorkerMessage = Inclusion.Referrals.V1.SocialWorker;

namespace InclusionServices.Referrals.Pupils;

/// <summary>gRPC surface of pupil records: maps and checks messages, keeps each school inside its own pupils.</summary>
public sealed class PupilsApi(ReferralsDatabase database, AuditTrail audit, TimeProvider time) : Inclusion.Referrals.V1.Pupils.PupilsBase
{
    private const string NamePrefix = "pupils/";
    private const int MaxTextLength = 2000;
    private const int MaxListLength = 20;

    public override async Task<PupilMessage> CreatePupil(CreatePupilRequest request, ServerCallContext context)
    {
        var given = request.Pupil ?? new PupilMessage();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId)
            .Check(SchoolIdentifiers.IsUrn(given.SchoolUrn), "pupil.school_urn", "must be a 6-digit URN");
        var (profile, dateOfBirth) = ReadDetails(given, validation);
        validation.ThrowIfInvalid();

        if (!InclusionClaims.MaySee(context.GetHttpContext().User, given.SchoolUrn))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "A school may record only its own pupils."));
        }
        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("pupils", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await FindVisibleAsync(NamePrefix + earlier, "request_id", context), context);
        }
        if (!await database.Schools.AnyAsync(s => s.Urn == given.SchoolUrn, context.CancellationToken))
        {
            throw new PreconditionFailedException($"schools/{given.SchoolUrn} is not registered with the service.");
        }

        var pupil = Pupil.Record(given.Upn, given.GivenName, given.FamilyName, dateOfBirth!.Value, (PupilSex)given.Sex, given.YearGroup,
            given.SchoolUrn, (SenStatus)given.SenStatus, given.FreeSchoolMeals, given.LookedAfter, given.ChildInNeed,
            given.ChildProtection, profile, time.GetUtcNow());
        var known = await database.Pupils.SingleOrDefaultAsync(p => p.Upn == given.Upn && p.DuplicateOf == null, context.CancellationToken);
        if (known is not null)
        {
            if (InclusionClaims.MaySee(context.GetHttpContext().User, known.SchoolUrn))
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists,
                    $"{NamePrefix}{known.Id} already has this UPN: one record is kept per child."));
            }
            // Another school's child: answered as if the child were new, so no school learns who another school
            // knows; the attempt is written on the existing record and the team resolves the two.
            pupil.MarkDuplicateOf(known);
            audit.Note(AuditActions.Attempted, known.Id, NamePrefix + pupil.Id);
        }
        database.Pupils.Add(pupil);
        database.RememberCreate("pupils", requestId, caller, pupil.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, pupil.Id, NamePrefix + pupil.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(pupil, context);
    }

    public override async Task<PupilMessage> GetPupil(GetPupilRequest request, ServerCallContext context)
    {
        var pupil = await FindVisibleAsync(request.Name, "name", context);
        await audit.NoteReadsAsync([(pupil.Id, NamePrefix + pupil.Id)], context.CancellationToken);
        return ToMessage(pupil, context);
    }

    public override async Task<ListPupilsResponse> ListPupils(ListPupilsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        new RequestValidation()
            .Check(request.SchoolUrn.Length == 0 || SchoolIdentifiers.IsUrn(request.SchoolUrn), "school_urn", "must be a 6-digit URN")
            .ThrowIfInvalid();
        var ownSchool = InclusionClaims.SchoolUrnOf(context.GetHttpContext().User);
        new RequestValidation().Check(!request.DuplicatesOnly || ownSchool is null, "duplicates_only", "is for the Inclusion Team").ThrowIfInvalid();
        var query = database.Pupils.AsNoTracking().VisibleTo(context.GetHttpContext().User).Where(p => p.MergedInto == null);
        if (request.DuplicatesOnly)
        {
            query = query.Where(p => p.DuplicateOf != null);
        }
        if (request.SchoolUrn.Length > 0 && InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) is null)
        {
            query = query.Where(p => p.SchoolUrn == request.SchoolUrn); // a school user always gets its own
        }
        if (page.After is not null)
        {
            var (family, id) = ParseSortKey(page.After);
            query = query.Where(p => string.Compare(p.FamilyName, family) > 0 || (p.FamilyName == family && p.Id.CompareTo(id) > 0));
        }
        var fetched = await query.OrderBy(p => p.FamilyName).ThenBy(p => p.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, p => $"{p.Id}|{p.FamilyName}");
        await audit.NoteReadsAsync(items.Select(p => (p.Id, NamePrefix + p.Id)), context.CancellationToken);
        var response = new ListPupilsResponse { NextPageToken = next };
        response.Pupils.AddRange(items.Select(p => ToMessage(p, context)));
        return response;
    }

    public override async Task<PupilMessage> UpdatePupil(UpdatePupilRequest request, ServerCallContext context)
    {
        var given = request.Pupil ?? new PupilMessage();
        var validation = new RequestValidation()
            .Check(uint.TryParse(given.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag), "pupil.etag", "must be the etag read with the pupil")
            .Check(given.SchoolUrn.Length == 0 || SchoolIdentifiers.IsUrn(given.SchoolUrn), "pupil.school_urn", "must be a 6-digit URN, or empty");
        var (profile, dateOfBirth) = ReadDetails(given, validation);
        validation.ThrowIfInvalid();

        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var pupil = await FindVisibleAsync(given.Name, "pupil.name", context, tracked: true);
        if (pupil.Version != etag)
        {
            throw new ConcurrentChangeException(given.Name);
        }
        if (given.SchoolUrn.Length > 0 && given.SchoolUrn != pupil.SchoolUrn)
        {
            throw new PreconditionFailedException("A pupil changes school by MovePupil, which keeps their history.");
        }
        if (given.Upn != pupil.Upn)
        {
            if (InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) is not null)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, "The Inclusion Team changes a pupil's UPN; tell them the permanent one."));
            }
            await database.Database.SerialiseOnAsync("pupil-upn", given.Upn, context.CancellationToken);
            // One record per UPN (a merged record keeps its own): the same test as the unique index.
            if (await database.Pupils.AnyAsync(p => p.Upn == given.Upn && p.Id != pupil.Id && p.DuplicateOf == null, context.CancellationToken))
            {
                throw new PreconditionFailedException("Another record holds this UPN: if it is the same child, a manager can merge the two " +
                    "(MergePupils), keeping the record that has the permanent UPN.");
            }
        }
        database.Entry(pupil).Property(p => p.Version).OriginalValue = etag;
        var reportsChanged = pupil.Correct(given.Upn, given.GivenName, given.FamilyName, dateOfBirth!.Value, (PupilSex)given.Sex, given.YearGroup,
            (SenStatus)given.SenStatus, given.FreeSchoolMeals, given.LookedAfter, given.ChildInNeed, given.ChildProtection, profile);
        audit.Note(AuditActions.Changed, pupil.Id, NamePrefix + pupil.Id);
        if (reportsChanged)
        {
            database.RecordEvent(new Inclusion.Events.V1.PupilAttributesChanged
            {
                Pupil = NamePrefix + pupil.Id,
                Attributes = await ReferralCases.ReportAttributes.OfAsync(database, pupil, context.CancellationToken),
            }, NamePrefix + pupil.Id, time.GetUtcNow());
        }
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return ToMessage(pupil, context);
    }

    public override async Task<PupilMessage> MergePupils(MergePupilsRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation();
        var primaryId = validation.ResourceId(request.Primary, NamePrefix, "primary");
        var duplicateId = validation.ResourceId(request.Duplicate, NamePrefix, "duplicate");
        validation.Check(primaryId != duplicateId || primaryId == Guid.Empty, "duplicate", "must be another record than primary").ThrowIfInvalid();

        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var primary = await database.Pupils.SingleOrDefaultAsync(p => p.Id == primaryId, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.Primary);
        var duplicate = await database.Pupils.SingleOrDefaultAsync(p => p.Id == duplicateId, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.Duplicate);
        duplicate.MergeInto(primary);
        // The duplicate's referrals and exclusions belong to the one record from now on; its own history stays with it.
        await database.Referrals.Where(r => r.PupilId == duplicate.Id)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.PupilId, primary.Id), context.CancellationToken);
        await database.Exclusions.Where(e => e.PupilId == duplicate.Id)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.PupilId, primary.Id), context.CancellationToken);
        audit.Note(AuditActions.Changed, primary.Id, NamePrefix + duplicate.Id);
        audit.Note(AuditActions.Changed, duplicate.Id, NamePrefix + primary.Id);
        database.RecordEvent(new Inclusion.Events.V1.PupilAttributesChanged
        {
            Pupil = NamePrefix + primary.Id,
            Attributes = await ReferralCases.ReportAttributes.OfAsync(database, primary, context.CancellationToken),
            Merged = NamePrefix + duplicate.Id,
        }, NamePrefix + primary.Id, time.GetUtcNow());
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return ToMessage(primary, context);
    }

    /// <summary>The details a pupil record is made or corrected with, every offending field named.</summary>
    private (PupilProfile Profile, DateOnly? DateOfBirth) ReadDetails(PupilMessage given, RequestValidation validation)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var profile = ReadProfile(given, validation);
        validation
            .Check(PupilIdentifiers.CheckUpn(given.Upn) != UpnKind.Invalid, "pupil.upn", "must be 13 characters with a correct check letter")
            .RequireText(given.GivenName, "pupil.given_name", Pupil.MaxNameLength)
            .RequireText(given.FamilyName, "pupil.family_name", Pupil.MaxNameLength)
            .Check(given.Sex != Sex.Unspecified && System.Enum.IsDefined(given.Sex), "pupil.sex", "must be female or male (census sex)")
            .Check(given.YearGroup is >= 0 and <= 14, "pupil.year_group", "must be 0 (Reception) to 14")
            .Check(given.SenStatus != Inclusion.Referrals.V1.SenStatus.Unspecified && System.Enum.IsDefined(given.SenStatus),
                "pupil.sen_status", "must be no SEN, SEN support or EHC plan")
            .Check(!Pupil.NeedsSocialWorker(given.LookedAfter, given.ChildInNeed, given.ChildProtection) || profile.SocialWorker is not null,
                "pupil.social_worker", "is required for a looked-after child, a child in need or a child on a protection plan");
        var dateOfBirth = validation.RequireDate(given.DateOfBirth, "pupil.date_of_birth");
        if (dateOfBirth is { } born)
        {
            validation.Check(born < today, "pupil.date_of_birth", "must be in the past")
                .Check(born >= today || !(given.YearGroup is >= 0 and <= 14)
                    || PupilIdentifiers.IsPlausibleForYearGroup(born, given.YearGroup, SchoolCalendar.SchoolYears.Of(today)),
                    "pupil.date_of_birth", $"does not fit year group {given.YearGroup} this school year (a year either side is allowed)");
        }
        return (profile, dateOfBirth);
    }

    public override async Task<PupilMessage> MovePupil(MovePupilRequest request, ServerCallContext context)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var validation = new RequestValidation()
            .Check(SchoolIdentifiers.IsUrn(request.NewSchoolUrn), "new_school_urn", "must be a 6-digit URN")
            .Check(uint.TryParse(request.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag), "etag", "must be the etag read with the pupil");
        var movedOn = validation.RequireDate(request.MovedOn, "moved_on");
        validation.Check(movedOn is null || movedOn <= today, "moved_on", "must not be in the future").ThrowIfInvalid();

        var pupil = await FindVisibleAsync(request.Name, "name", context, tracked: true);
        if (pupil.Version != etag)
        {
            throw new ConcurrentChangeException(request.Name);
        }
        if (!await database.Schools.AnyAsync(s => s.Urn == request.NewSchoolUrn, context.CancellationToken))
        {
            throw new PreconditionFailedException($"schools/{request.NewSchoolUrn} is not registered with the service.");
        }
        if (pupil.SchoolUrn == request.NewSchoolUrn || movedOn < pupil.SchoolHistory.Single(s => s.To is null).From)
        {
            throw new PreconditionFailedException(pupil.SchoolUrn == request.NewSchoolUrn
                ? "The pupil is already at that school."
                : "A move cannot be dated before the pupil joined the current school.");
        }
        database.Entry(pupil).Property(p => p.Version).OriginalValue = etag;
        pupil.MoveTo(request.NewSchoolUrn, movedOn!.Value);
        audit.Note(AuditActions.Changed, pupil.Id, request.Name);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(pupil, context);
    }

    public override async Task<PupilMessage> ResolveDuplicatePupil(ResolveDuplicatePupilRequest request, ServerCallContext context)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var validation = new RequestValidation();
        var id = validation.ResourceId(request.Name, NamePrefix, "name");
        var movedOn = validation.RequireDate(request.MovedOn, "moved_on");
        validation.Check(movedOn is null || movedOn <= today, "moved_on", "must not be in the future").ThrowIfInvalid();

        await using var transaction = await database.Database.BeginTransactionAsync(context.CancellationToken);
        var duplicate = await database.Pupils.SingleOrDefaultAsync(p => p.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.Name);
        if (duplicate.DuplicateOf is not { } primaryId || duplicate.MergedInto is not null)
        {
            throw new PreconditionFailedException($"{request.Name} is not awaiting resolution as a duplicate.");
        }
        var primary = await database.Pupils.SingleAsync(p => p.Id == primaryId, context.CancellationToken);
        duplicate.ResolveInto(primary, movedOn!.Value);
        // The duplicate's referrals and exclusions belong to the one record from now on.
        await database.Referrals.Where(r => r.PupilId == duplicate.Id)
            .ExecuteUpdateAsync(r => r.SetProperty(x => x.PupilId, primary.Id), context.CancellationToken);
        await database.Exclusions.Where(e => e.PupilId == duplicate.Id)
            .ExecuteUpdateAsync(e => e.SetProperty(x => x.PupilId, primary.Id), context.CancellationToken);
        audit.Note(AuditActions.Changed, primary.Id, NamePrefix + primary.Id);
        audit.Note(AuditActions.Changed, duplicate.Id, NamePrefix + duplicate.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return ToMessage(primary, context);
    }

    public override async Task<PupilAttributes> GetPupilAttributes(GetPupilAttributesRequest request, ServerCallContext context)
    {
        var pupil = await FindVisibleAsync(request.Name, "name", context);
        await audit.NoteReadsAsync([(pupil.Id, NamePrefix + pupil.Id)], context.CancellationToken);
        var phase = await database.Schools.Where(s => s.Urn == pupil.SchoolUrn).Select(s => s.Phase).SingleAsync(context.CancellationToken);
        return new PupilAttributes
        {
            Pupil = NamePrefix + pupil.Id,
            SchoolUrn = pupil.SchoolUrn,
            Phase = (SchoolPhaseOfPupil)phase,
            YearGroup = pupil.YearGroup,
            SenStatus = (Inclusion.Referrals.V1.SenStatus)pupil.SenStatus,
            FreeSchoolMeals = pupil.FreeSchoolMeals,
            Sex = pupil.Sex == PupilSex.Female ? "F" : "M",
            EthnicityCode = pupil.Profile.EthnicityCode ?? "",
            LookedAfter = pupil.LookedAfter,
            ChildInNeed = pupil.ChildInNeed,
            ChildProtection = pupil.ChildProtection,
        };
    }

    /// <summary>The pupil's audit trail in this service, as inclusion.audit.v1.AuditTrail also serves it.</summary>
    public override async Task<ListRecordAccessResponse> ListRecordAccess(ListRecordAccessRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation();
        var pupilId = validation.ResourceId(request.Pupil, NamePrefix, "pupil");
        validation.ThrowIfInvalid();
        var (entries, next) = await AuditTrail.ListAsync(database, pupilId, null, page, context.CancellationToken);
        var response = new ListRecordAccessResponse { NextPageToken = next };
        response.Accesses.AddRange(entries.Select(a => new Inclusion.Referrals.V1.RecordAccess
        {
            User = a.User, Role = a.Role, Action = a.Action, Resource = a.Resource,
            Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(a.At),
        }));
        return response;
    }

    /// <summary>A pupil the caller may see; another school's pupil is reported as not found.</summary>
    private async Task<Pupil> FindVisibleAsync(string name, string field, ServerCallContext context, bool tracked = false)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, field);
        validation.ThrowIfInvalid();
        var query = tracked ? database.Pupils : database.Pupils.AsNoTracking();
        // A duplicate folded into another record reads as that record (found in the same query: one round trip).
        var recordRead = database.Pupils.Where(p => p.Id == id).Select(p => p.MergedInto ?? p.Id);
        return await query.VisibleTo(context.GetHttpContext().User).SingleOrDefaultAsync(p => recordRead.Contains(p.Id), context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private static (string FamilyName, Guid Id) ParseSortKey(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && Guid.TryParse(key[..bar], out var id)
            ? (key[(bar + 1)..], id)
            : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
    }

    private static PupilProfile ReadProfile(PupilMessage given, RequestValidation validation)
    {
        validation
            .Check(given.Gender.Length <= 50, "pupil.gender", "must be at most 50 characters")
            .Check(given.Address.Length <= 500, "pupil.address", "must be at most 500 characters")
            .Check(given.SenDetails.Length <= MaxTextLength, "pupil.sen_details", $"must be at most {MaxTextLength} characters")
            .Check(given.EthnicityCode.Length == 0 || (given.EthnicityCode.Length == 4 && given.EthnicityCode.All(char.IsAsciiLetterUpper)),
                "pupil.ethnicity_code", "must be a 4-letter DfE ethnicity code such as WBRI")
            .Check(given.Carers.Count <= MaxListLength, "pupil.carers", $"at most {MaxListLength}")
            .Check(given.Diagnoses.Count <= MaxListLength, "pupil.diagnoses", $"at most {MaxListLength}");
        var postcode = SchoolIdentifiers.NormalisePostcode(given.Postcode);
        validation.Check(given.Postcode.Length == 0 || postcode is not null, "pupil.postcode", "must be a UK postcode");

        var carers = given.Carers.Select((carer, i) =>
        {
            var field = $"pupil.carers[{i}]";
            validation.RequireText(carer.FullName, field + ".full_name", Pupil.MaxNameLength);
            var email = validation.OptionalEmail(carer.Email, field + ".email");
            var telephones = carer.Telephones.Select((number, n) =>
            {
                var normalised = PupilIdentifiers.NormaliseUkTelephone(number);
                validation.Check(normalised is not null, $"{field}.telephones[{n}]", "must be a UK telephone number");
                return normalised ?? "";
            }).ToList();
            return new Pupils.Carer(carer.FullName.Trim(), Blank(carer.Relationship), telephones, email);
        }).ToList();

        var diagnoses = given.Diagnoses.Select((diagnosis, i) =>
        {
            var field = $"pupil.diagnoses[{i}]";
            validation.RequireText(diagnosis.Description, field + ".description", MaxTextLength);
            return new Pupils.Diagnosis(diagnosis.Description.Trim(), diagnosis.Reports.Select((report, r) =>
            {
                validation.RequireText(report.Title, $"{field}.reports[{r}].title", 200);
                return new Pupils.AttachedReport(report.Title.Trim(), Blank(report.Author),
                    report.Dated is null ? null : validation.RequireDate(report.Dated, $"{field}.reports[{r}].dated"),
                    Blank(report.DocumentReference));
            }).ToList());
        }).ToList();

        Pupils.SocialWorker? socialWorker = null;
        if (given.SocialWorker is { } worker && worker.FullName.Length > 0)
        {
            validation.Check(worker.FullName.Length <= Pupil.MaxNameLength, "pupil.social_worker.full_name",
                $"must be at most {Pupil.MaxNameLength} characters");
            socialWorker = new Pupils.SocialWorker(worker.FullName.Trim(),
                validation.OptionalUkTelephone(worker.Telephone, "pupil.social_worker.telephone"),
                validation.OptionalEmail(worker.Email, "pupil.social_worker.email"));
        }
        return new PupilProfile(Blank(given.Gender), carers, Blank(given.Address), postcode, Blank(given.SenDetails), diagnoses,
            socialWorker, Blank(given.EthnicityCode));
    }

    private static string? Blank(string value) => ContactChecks.TextOrNull(value);

    private static PupilMessage ToMessage(Pupil pupil, ServerCallContext context)
    {
        var message = ToMessage(pupil);
        if (pupil.DuplicateOf is { } earlier && InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) is null)
        {
            message.DuplicateOf = NamePrefix + earlier;
        }
        return message;
    }

    private static PupilMessage ToMessage(Pupil pupil)
    {
        var message = new PupilMessage
        {
            Name = NamePrefix + pupil.Id,
            Upn = pupil.Upn,
            TemporaryUpn = pupil.HasTemporaryUpn,
            GivenName = pupil.GivenName,
            FamilyName = pupil.FamilyName,
            DateOfBirth = pupil.DateOfBirth.ToProtoDate(),
            Sex = (Sex)pupil.Sex,
            Gender = pupil.Profile.Gender ?? "",
            YearGroup = pupil.YearGroup,
            SchoolUrn = pupil.SchoolUrn,
            Address = pupil.Profile.Address ?? "",
            Postcode = pupil.Profile.Postcode ?? "",
            SenStatus = (Inclusion.Referrals.V1.SenStatus)pupil.SenStatus,
            SenDetails = pupil.Profile.SenDetails ?? "",
            FreeSchoolMeals = pupil.FreeSchoolMeals,
            LookedAfter = pupil.LookedAfter,
            ChildInNeed = pupil.ChildInNeed,
            ChildProtection = pupil.ChildProtection,
            EthnicityCode = pupil.Profile.EthnicityCode ?? "",
            Etag = pupil.Version.ToString(CultureInfo.InvariantCulture),
        };
        message.Carers.AddRange(pupil.Profile.Carers.Select(c => new CarerMessage
        {
            FullName = c.FullName, Relationship = c.Relationship ?? "", Email = c.Email ?? "", Telephones = { c.Telephones },
        }));
        message.Diagnoses.AddRange(pupil.Profile.Diagnoses.Select(d => new DiagnosisMessage
        {
            Description = d.Description,
            Reports =
            {
                d.Reports.Select(r => new AttachedReportMessage
                {
                    Title = r.Title, Author = r.Author ?? "", Dated = r.Dated?.ToProtoDate(), DocumentReference = r.DocumentReference ?? "",
                }),
            },
        }));
        if (pupil.Profile.SocialWorker is { } worker)
        {
            message.SocialWorker = new SocialWorkerMessage { FullName = worker.FullName, Telephone = worker.Telephone ?? "", Email = worker.Email ?? "" };
        }
        message.SchoolHistory.AddRange(pupil.SchoolHistory.OrderBy(s => s.From).Select(s => new Inclusion.Referrals.V1.SchoolSpell
        {
            SchoolUrn = s.SchoolUrn, From = s.From.ToProtoDate(), To = s.To?.ToProtoDate(),
        }));
        return message;
    }
}
