using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Inclusion.Events.V1;
using Inclusion.Referrals.V1;
using InclusionServices.Referrals.Pupils;
using InclusionServices.Referrals.Schools;
using InclusionServices.Referrals.Storage;
using InclusionServices.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Pupil = InclusionServices.Referrals.Pupils.Pupil;
using Referral = InclusionServices.Referrals.ReferralCases.Referral;
using ReferralForm = InclusionServices.Referrals.ReferralCases.ReferralForm;
using ReferralFormMessage = Inclusion.Referrals.V1.ReferralForm;
using ReferralMessage = Inclusion.Referrals.V1.Referral;
using ReferralStatus = InclusionServices.Referrals.ReferralCases.ReferralStatus;
using ReferralStatusMessage = Inclusion.Referrals.V1.ReferralStatus;

namespace InclusionServices.Referrals.ReferralCases;

/// <summary>gRPC surface of referrals: maps and checks the form, keeps schools to their own, leaves the lifecycle to <see cref="Referral"/>.</summary>
public sealed class ReferralsApi(ReferralsDatabase database, AuditTrail audit, TimeProvider time) : Inclusion.Referrals.V1.Referrals.ReferralsBase
{
    private const string NamePrefix = "referrals/";
    private const string PupilPrefix = "pupils/";
    private const int MaxTextLength = 4000;

    public override async Task<ReferralMessage> CreateReferral(CreateReferralRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        var pupilId = validation.ResourceId(request.Pupil, PupilPrefix, "pupil");
        var form = ReadForm(request.Form ?? new ReferralFormMessage(), validation);
        validation.ThrowIfInvalid();

        var requestId = IdempotentCreates.RequestIdOf(request.RequestId);
        var caller = InclusionClaims.CallerOf(context.GetHttpContext().User);
        if (await database.EarlierCreateAsync("referrals", requestId, caller, context.CancellationToken) is { } earlier)
        {
            return ToMessage(await FindAsync(NamePrefix + earlier, context, tracked: false));
        }
        var pupil = await database.Pupils.AsNoTracking().VisibleTo(context.GetHttpContext().User)
            .SingleOrDefaultAsync(p => p.Id == pupilId, context.CancellationToken)
            ?? throw new RecordNotFoundException(request.Pupil);
        await RequireOwnExclusionsAsync(form, pupil.Id, context.CancellationToken);
        var referral = Referral.Draft(pupil.Id, pupil.SchoolUrn, form, time.GetUtcNow());
        database.Referrals.Add(referral);
        database.RememberCreate("referrals", requestId, caller, referral.Id.ToString(), time.GetUtcNow());
        audit.Note(AuditActions.Changed, referral.PupilId, NamePrefix + referral.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(referral);
    }

    public override async Task<ReferralMessage> GetReferral(GetReferralRequest request, ServerCallContext context)
    {
        var referral = await FindAsync(request.Name, context, tracked: false);
        await audit.NoteReadsAsync([(referral.PupilId, NamePrefix + referral.Id)], context.CancellationToken);
        return ToMessage(referral);
    }

    public override async Task<ListReferralsResponse> ListReferrals(ListReferralsRequest request, ServerCallContext context)
    {
        var page = PageRequest.From(request.PageSize, request.PageToken);
        var validation = new RequestValidation()
            .Check(request.SchoolUrn.Length == 0 || SchoolIdentifiers.IsUrn(request.SchoolUrn), "school_urn", "must be a 6-digit URN")
            .Check(System.Enum.IsDefined(request.Status), "status", "is not a referral status");
        var madeFrom = request.MadeFrom is null ? (DateOnly?)null : validation.RequireDate(request.MadeFrom, "made_from");
        var madeTo = request.MadeTo is null ? (DateOnly?)null : validation.RequireDate(request.MadeTo, "made_to");
        validation.ThrowIfInvalid();

        var query = database.Referrals.AsNoTracking().VisibleTo(context.GetHttpContext().User);
        if (request.SchoolUrn.Length > 0 && InclusionClaims.SchoolUrnOf(context.GetHttpContext().User) is null)
        {
            query = query.Where(r => r.SchoolUrn == request.SchoolUrn); // a school user always gets its own
        }
        if (request.Status != ReferralStatusMessage.Unspecified)
        {
            var status = (ReferralStatus)request.Status;
            query = query.Where(r => r.Status == status);
        }
        if (request.AllocatedOfficer.Length > 0)
        {
            query = query.Where(r => r.AllocatedOfficer == request.AllocatedOfficer);
        }
        if (madeFrom is not null)
        {
            query = query.Where(r => r.DateMade >= madeFrom);
        }
        if (madeTo is not null)
        {
            query = query.Where(r => r.DateMade <= madeTo);
        }
        if (page.After is not null)
        {
            // Newest first: ids are version-7 UUIDs, ordered by creation time.
            var after = Guid.TryParse(page.After, out var id) ? id
                : throw new RequestValidationException([new FieldViolation("page_token", "is not a token this service issued")]);
            query = query.Where(r => r.Id.CompareTo(after) < 0);
        }
        var fetched = await query.OrderByDescending(r => r.Id).Take(page.FetchSize).ToListAsync(context.CancellationToken);
        var (items, next) = page.Cut(fetched, r => r.Id.ToString());
        await audit.NoteReadsAsync(items.Select(r => (r.PupilId, NamePrefix + r.Id)), context.CancellationToken);
        var response = new ListReferralsResponse { NextPageToken = next };
        response.Referrals.AddRange(items.Select(ToMessage));
        return response;
    }

    public override async Task<ReferralMessage> UpdateReferral(UpdateReferralRequest request, ServerCallContext context)
    {
        var validation = new RequestValidation()
            .Check(uint.TryParse(request.Etag, NumberStyles.None, CultureInfo.InvariantCulture, out var etag), "etag", "must be the etag read with the referral");
        var form = ReadForm(request.Form ?? new ReferralFormMessage(), validation);
        validation.ThrowIfInvalid();
        var referral = await FindAsync(request.Name, context);
        if (referral.Version != etag)
        {
            throw new ConcurrentChangeException(request.Name);
        }
        await RequireOwnExclusionsAsync(form, referral.PupilId, context.CancellationToken);
        database.Entry(referral).Property(r => r.Version).OriginalValue = etag;
        referral.Revise(form);
        audit.Note(AuditActions.Changed, referral.PupilId, request.Name);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(referral);
    }

    public override Task<ReferralMessage> SubmitReferral(SubmitReferralRequest request, ServerCallContext context) =>
        MoveOnAsync(request.Name, context, referral => referral.Submit(time.GetUtcNow()));

    public override Task<ReferralMessage> AcceptReferral(AcceptReferralRequest request, ServerCallContext context) =>
        MoveOnAsync(request.Name, context, referral => referral.Accept());

    public override Task<ReferralMessage> DeclineReferral(DeclineReferralRequest request, ServerCallContext context)
    {
        new RequestValidation().RequireText(request.Reason, "reason", MaxTextLength).ThrowIfInvalid();
        return MoveOnAsync(request.Name, context, referral => referral.Decline(request.Reason.Trim()));
    }

    public override Task<ReferralMessage> AllocateReferral(AllocateReferralRequest request, ServerCallContext context)
    {
        new RequestValidation().RequireText(request.Officer, "officer", 200).ThrowIfInvalid();
        return MoveOnAsync(request.Name, context, referral => referral.Allocate(request.Officer.Trim()));
    }

    public override Task<ReferralMessage> RecordFirstContact(RecordFirstContactRequest request, ServerCallContext context)
    {
        var now = time.GetUtcNow();
        var validation = new RequestValidation();
        var contactedAt = validation.ReadTimestamp(request.ContactTime, "contact_time") ?? now;
        validation.Check(contactedAt <= now, "contact_time", "must not be in the future").ThrowIfInvalid();
        return MoveOnAsync(request.Name, context, referral =>
        {
            if (contactedAt < referral.SubmittedAt)
            {
                throw new RequestValidationException([new FieldViolation("contact_time", "must not be before the referral was submitted")]);
            }
            referral.RecordFirstContact(contactedAt, now);
        });
    }

    public override Task<ReferralMessage> CloseReferral(CloseReferralRequest request, ServerCallContext context)
    {
        new RequestValidation().RequireText(request.Outcome, "outcome", MaxTextLength).ThrowIfInvalid();
        return MoveOnAsync(request.Name, context, referral => referral.Close(request.Outcome.Trim()));
    }

    /// <summary>Applies one lifecycle step and publishes it, with the pupil's report attributes and nothing that names them.</summary>
    private async Task<ReferralMessage> MoveOnAsync(string name, ServerCallContext context, Action<Referral> step)
    {
        var referral = await FindAsync(name, context);
        step(referral);
        database.RecordEvent(new ReferralStatusChanged
        {
            Referral = NamePrefix + referral.Id,
            Status = (Inclusion.Events.V1.ReferralStatus)referral.Status,
            Pupil = await ReportAttributes.LoadAsync(database, referral.PupilId, referral.SchoolUrn, context.CancellationToken),
            AllocatedOfficer = referral.AllocatedOfficer ?? "",
            SecondsToFirstContact = (long)(referral.TimeToFirstContact?.TotalSeconds ?? 0),
        }, NamePrefix + referral.Id, time.GetUtcNow());
        audit.Note(AuditActions.Changed, referral.PupilId, NamePrefix + referral.Id);
        await database.SaveChangesAsync(context.CancellationToken);
        return ToMessage(referral);
    }

    /// <summary>Linked exclusion records must be this pupil's: a link to anyone else's is refused as not a record of theirs.</summary>
    private async Task RequireOwnExclusionsAsync(ReferralForm form, Guid pupilId, CancellationToken cancellationToken)
    {
        var ids = form.PreviousExclusionRecords ?? [];
        if (ids.Count == 0)
        {
            return;
        }
        var own = await database.Exclusions.Where(e => ids.Contains(e.Id) && e.PupilId == pupilId).Select(e => e.Id).ToListAsync(cancellationToken);
        var validation = new RequestValidation();
        for (var i = 0; i < ids.Count; i++)
        {
            validation.Check(own.Contains(ids[i]), $"form.previous_exclusion_records[{i}]", "is not an exclusion record of this pupil");
        }
        validation.ThrowIfInvalid();
    }

    /// <summary>A referral the caller may see; another school's is reported as not found.</summary>
    private async Task<Referral> FindAsync(string name, ServerCallContext context, bool tracked = true)
    {
        var validation = new RequestValidation();
        var id = validation.ResourceId(name, NamePrefix, "name");
        validation.ThrowIfInvalid();
        var query = tracked ? database.Referrals : database.Referrals.AsNoTracking();
        return await query.VisibleTo(context.GetHttpContext().User).SingleOrDefaultAsync(r => r.Id == id, context.CancellationToken)
            ?? throw new RecordNotFoundException(name);
    }

    private ReferralForm ReadForm(ReferralFormMessage given, RequestValidation validation)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        DateOnly? PastDate(Google.Type.Date? date, string field)
        {
            if (date is null)
            {
                return null;
            }
            var value = validation.RequireDate(date, field);
            validation.Check(value is null || value <= today, field, "must not be in the future");
            return value;
        }
        string? Text(string value, string field, int max = MaxTextLength)
        {
            validation.Check(value.Length <= max, field, $"must be at most {max} characters");
            return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        }
        SignOff? Signed(Inclusion.Referrals.V1.SignOff? signOff, string field)
        {
            if (signOff is null || (signOff.FullName.Length == 0 && signOff.SignedOn is null))
            {
                return null;
            }
            validation.RequireText(signOff.FullName, field + ".full_name", Pupil.MaxNameLength);
            var on = PastDate(signOff.SignedOn ?? new Google.Type.Date(), field + ".signed_on");
            return on is null ? null : new SignOff(signOff.FullName.Trim(), on.Value);
        }

        Referrer? referrer = null;
        if (given.Referrer is { } person && person.FullName.Length > 0)
        {
            validation.RequireText(person.FullName, "form.referrer.full_name", Pupil.MaxNameLength);
            referrer = new Referrer(person.FullName.Trim(), validation.OptionalEmail(person.Email, "form.referrer.email"),
                validation.OptionalUkTelephone(person.Telephone, "form.referrer.telephone"), Text(person.RelationshipToChild, "form.referrer.relationship_to_child", 100));
        }
        validation.Check(given.InvolvedProfessionals.Count <= 20, "form.involved_professionals", "at most 20");
        var professionals = given.InvolvedProfessionals.Select((p, i) =>
        {
            var field = $"form.involved_professionals[{i}]";
            validation.RequireText(p.FullName, field + ".full_name", Pupil.MaxNameLength);
            return new InvolvedProfessional(p.FullName.Trim(), Text(p.Role, field + ".role", 100),
                validation.OptionalUkTelephone(p.Telephone, field + ".telephone"), validation.OptionalEmail(p.Email, field + ".email"));
        }).ToList();

        validation.Check(given.PreviousExclusionRecords.Count <= 50, "form.previous_exclusion_records", "at most 50");
        var previous = given.PreviousExclusionRecords
            .Select((name, i) => validation.ResourceId(name, "exclusions/", $"form.previous_exclusion_records[{i}]"))
            .Distinct().ToList();

        return new ReferralForm(
            PastDate(given.DateMade, "form.date_made"),
            referrer,
            professionals,
            Text(given.AttainmentAndProgress, "form.attainment_and_progress"),
            Text(given.LevelsOfSupport, "form.levels_of_support"),
            Text(given.PreviousExclusions, "form.previous_exclusions"),
            given.ExclusionPreventionMeetingHeld,
            Text(given.ExclusionPreventionMeetingDetails, "form.exclusion_prevention_meeting_details"),
            Text(given.MainReason, "form.main_reason"),
            Text(given.SupportWanted, "form.support_wanted"),
            given.ParentalPermissionObtained,
            Signed(given.ReferrerSignOff, "form.referrer_sign_off"),
            Signed(given.HeadTeacherSignOff, "form.head_teacher_sign_off"),
            Signed(given.SendcoSignOff, "form.sendco_sign_off"),
            previous);
    }

    private static ReferralMessage ToMessage(Referral referral)
    {
        var form = referral.Form;
        static Inclusion.Referrals.V1.SignOff? SignOffMessage(SignOff? signOff) => signOff is null
            ? null
            : new Inclusion.Referrals.V1.SignOff { FullName = signOff.FullName, SignedOn = signOff.SignedOn.ToProtoDate() };
        var formMessage = new ReferralFormMessage
        {
            DateMade = form.DateMade?.ToProtoDate(),
            AttainmentAndProgress = form.AttainmentAndProgress ?? "",
            LevelsOfSupport = form.LevelsOfSupport ?? "",
            PreviousExclusions = form.PreviousExclusions ?? "",
            ExclusionPreventionMeetingHeld = form.ExclusionPreventionMeetingHeld,
            ExclusionPreventionMeetingDetails = form.ExclusionPreventionMeetingDetails ?? "",
            MainReason = form.MainReason ?? "",
            SupportWanted = form.SupportWanted ?? "",
            ParentalPermissionObtained = form.ParentalPermissionObtained,
            ReferrerSignOff = SignOffMessage(form.ReferrerSignOff),
            HeadTeacherSignOff = SignOffMessage(form.HeadTeacherSignOff),
            SendcoSignOff = SignOffMessage(form.SendcoSignOff),
            PreviousExclusionRecords = { (form.PreviousExclusionRecords ?? []).Select(id => "exclusions/" + id) },
        };
        if (form.Referrer is { } referrer)
        {
            formMessage.Referrer = new Inclusion.Referrals.V1.Referrer
            {
                FullName = referrer.FullName, Email = referrer.Email ?? "", Telephone = referrer.Telephone ?? "",
                RelationshipToChild = referrer.RelationshipToChild ?? "",
            };
        }
        formMessage.InvolvedProfessionals.AddRange(form.InvolvedProfessionals.Select(p => new Inclusion.Referrals.V1.InvolvedProfessional
        {
            FullName = p.FullName, Role = p.Role ?? "", Telephone = p.Telephone ?? "", Email = p.Email ?? "",
        }));
        return new ReferralMessage
        {
            Name = NamePrefix + referral.Id,
            Pupil = PupilPrefix + referral.PupilId,
            SchoolUrn = referral.SchoolUrn,
            Form = formMessage,
            Status = (ReferralStatusMessage)referral.Status,
            DeclineReason = referral.DeclineReason ?? "",
            AllocatedOfficer = referral.AllocatedOfficer ?? "",
            SubmitTime = referral.SubmittedAt is { } submitted ? Timestamp.FromDateTimeOffset(submitted) : null,
            FirstContactTime = referral.FirstContactAt is { } contacted ? Timestamp.FromDateTimeOffset(contacted) : null,
            TimeToFirstContact = referral.TimeToFirstContact is { } wait ? Duration.FromTimeSpan(wait) : null,
            CloseOutcome = referral.CloseOutcome ?? "",
            Etag = referral.Version.ToString(CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>What an event may say about a pupil: attributes reports count by, never who the child is.</summary>
public static class ReportAttributes
{
    private sealed record PupilAtSchool(Pupil Pupil, Schools.SchoolPhase Phase);

    // Most event-producing writes run this inside their transaction. Compiled once: EF Core otherwise translates it on
    // each call, compiling delegates for the subquery's parts (perf, recording exclusions: this query, its round trip
    // included, was a tenth of Referrals' CPU).
    private static readonly Func<ReferralsDatabase, Guid, string, CancellationToken, Task<PupilAtSchool>> PupilWithPhase =
        EF.CompileAsyncQuery((ReferralsDatabase database, Guid pupilId, string schoolUrn, CancellationToken _) =>
            database.Pupils.AsNoTracking().Where(p => p.Id == pupilId)
                .Select(p => new PupilAtSchool(p, database.Schools.Where(s => s.Urn == schoolUrn).Select(s => s.Phase).First()))
                .Single());

    /// <summary>The attributes of a pupil, with the phase of the school the event is about (one query).</summary>
    public static async Task<PupilReportAttributes> LoadAsync(ReferralsDatabase database, Guid pupilId, string schoolUrn,
        CancellationToken cancellationToken)
    {
        var found = await PupilWithPhase(database, pupilId, schoolUrn, cancellationToken);
        return Of(found.Pupil, schoolUrn, found.Phase);
    }

    /// <summary>The attributes of a pupil as they now are, at their current school.</summary>
    public static async Task<PupilReportAttributes> OfAsync(ReferralsDatabase database, Pupil pupil, CancellationToken cancellationToken)
    {
        var phase = await database.Schools.Where(s => s.Urn == pupil.SchoolUrn).Select(s => s.Phase).SingleAsync(cancellationToken);
        return Of(pupil, pupil.SchoolUrn, phase);
    }

    // The school is the one the referral or exclusion is about: after a move, the pupil's current school differs.
    private static PupilReportAttributes Of(Pupil pupil, string schoolUrn, Schools.SchoolPhase phase) => new()
    {
        Pupil = "pupils/" + pupil.Id,
        SchoolUrn = schoolUrn,
        Phase = (Inclusion.Events.V1.SchoolPhase)phase,
        YearGroup = pupil.YearGroup,
        SenStatus = (Inclusion.Events.V1.SenStatus)pupil.SenStatus,
        FreeSchoolMeals = pupil.FreeSchoolMeals,
        Sex = pupil.Sex == PupilSex.Female ? "F" : "M",
        EthnicityCode = pupil.Profile.EthnicityCode ?? "",
    };
}
