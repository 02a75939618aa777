using InclusionServices.ServiceDefaults;
using System.ComponentModel.DataAnnotations.Schema;
using System.Text.Json;

namespace InclusionServices.Referrals.Pupils;

public enum PupilSex
{
    Female = 1,
    Male = 2,
}

public enum SenStatus
{
    NoSen = 1,
    SenSupport = 2,
    EhcPlan = 3,
}

public sealed record Carer(string FullName, string? Relationship, IReadOnlyList<string> Telephones, string? Email);

public sealed record AttachedReport(string Title, string? Author, DateOnly? Dated, string? DocumentReference);

public sealed record Diagnosis(string Description, IReadOnlyList<AttachedReport> Reports);

public sealed record SocialWorker(string FullName, string? Telephone, string? Email);

/// <summary>
/// The parts of a pupil's record that only people working with the child need: contacts, health and SEN details.
/// Kept together (as JSON) and never put into events or reports.
/// </summary>
public sealed record PupilProfile(
    string? Gender,
    IReadOnlyList<Carer> Carers,
    string? Address,
    string? Postcode,
    string? SenDetails,
    IReadOnlyList<Diagnosis> Diagnoses,
    SocialWorker? SocialWorker,
    string? EthnicityCode);

/// <summary>A time at one school, so a pupil who moves keeps their history.</summary>
public sealed class SchoolSpell
{
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public DateOnly From { get; private set; }
    public DateOnly? To { get; internal set; }

    internal static SchoolSpell Start(Guid pupilId, string schoolUrn, DateOnly from) =>
        new() { PupilId = pupilId, SchoolUrn = schoolUrn, From = from };
}

/// <summary>A child known to the service: one record across referrals, exclusions and schools.</summary>
public sealed class Pupil : IBelongsToSchool
{
    public const int MaxNameLength = 100;
    private readonly List<SchoolSpell> _schoolHistory = [];

    private Pupil() { }

    public Guid Id { get; private set; }
    public string Upn { get; private set; } = "";
    public string GivenName { get; private set; } = "";
    public string FamilyName { get; private set; } = "";
    public DateOnly DateOfBirth { get; private set; }
    public PupilSex Sex { get; private set; }
    public int YearGroup { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public SenStatus SenStatus { get; private set; }
    public bool FreeSchoolMeals { get; private set; }
    public bool LookedAfter { get; private set; }
    public bool ChildInNeed { get; private set; }
    public bool ChildProtection { get; private set; }
    private string _profileJson = "";

    /// <summary>Stored as JSON in one column (see ReferralsDatabase), so EF never maps what it holds.</summary>
    [NotMapped]
    public PupilProfile Profile
    {
        get => JsonSerializer.Deserialize<PupilProfile>(_profileJson) ?? throw new InvalidOperationException("The pupil has no profile.");
        private set => _profileJson = JsonSerializer.Serialize(value);
    }
    public IReadOnlyList<SchoolSpell> SchoolHistory => _schoolHistory;
    public DateTimeOffset CreatedAt { get; private set; }
    public uint Version { get; private set; }
    /// <summary>
    /// The record another school made earlier with the same UPN, while the team has yet to resolve the two: a school
    /// is never told another school already knows its pupil.
    /// </summary>
    public Guid? DuplicateOf { get; private set; }
    /// <summary>The record this duplicate was folded into; its name then reads as that one.</summary>
    public Guid? MergedInto { get; private set; }

    public bool HasTemporaryUpn => PupilIdentifiers.CheckUpn(Upn) == UpnKind.Temporary;

    /// <summary>Whether a social worker must be recorded (and told of exclusions): looked after, in need or on a plan.</summary>
    public static bool NeedsSocialWorker(bool lookedAfter, bool childInNeed, bool childProtection) =>
        lookedAfter || childInNeed || childProtection;

    public static Pupil Record(string upn, string givenName, string familyName, DateOnly dateOfBirth, PupilSex sex, int yearGroup,
        string schoolUrn, SenStatus senStatus, bool freeSchoolMeals, bool lookedAfter, bool childInNeed, bool childProtection,
        PupilProfile profile, DateTimeOffset now)
    {
        if (PupilIdentifiers.CheckUpn(upn) == UpnKind.Invalid)
        {
            throw new ArgumentException("The UPN's check letter does not match.", nameof(upn));
        }
        if (NeedsSocialWorker(lookedAfter, childInNeed, childProtection) && profile.SocialWorker is null)
        {
            throw new ArgumentException("A looked-after child, child in need or child on a plan has a social worker.", nameof(profile));
        }
        var pupil = new Pupil
        {
            Id = Guid.CreateVersion7(now),
            Upn = upn,
            GivenName = givenName.Trim(),
            FamilyName = familyName.Trim(),
            DateOfBirth = dateOfBirth,
            Sex = sex,
            YearGroup = yearGroup,
            SchoolUrn = schoolUrn,
            SenStatus = senStatus,
            FreeSchoolMeals = freeSchoolMeals,
            LookedAfter = lookedAfter,
            ChildInNeed = childInNeed,
            ChildProtection = childProtection,
            Profile = profile,
            CreatedAt = now.ToStoredPrecision(),
        };
        pupil._schoolHistory.Add(SchoolSpell.Start(pupil.Id, schoolUrn, DateOnly.FromDateTime(now.UtcDateTime)));
        return pupil;
    }

    /// <summary>
    /// Corrects the record. A temporary UPN may give way to the permanent one (the caller has checked no other record
    /// holds it); a permanent UPN is the child's for life. Returns whether anything reports count by has changed.
    /// </summary>
    public bool Correct(string upn, string givenName, string familyName, DateOnly dateOfBirth, PupilSex sex, int yearGroup, SenStatus senStatus,
        bool freeSchoolMeals, bool lookedAfter, bool childInNeed, bool childProtection, PupilProfile profile)
    {
        if (upn != Upn)
        {
            if (!HasTemporaryUpn)
            {
                throw new PreconditionFailedException("A permanent UPN stays with the child: if two records were made, a manager can merge them.");
            }
            if (PupilIdentifiers.CheckUpn(upn) == UpnKind.Invalid)
            {
                throw new ArgumentException("The UPN's check letter does not match.", nameof(upn));
            }
        }
        if (NeedsSocialWorker(lookedAfter, childInNeed, childProtection) && profile.SocialWorker is null)
        {
            throw new ArgumentException("A looked-after child, child in need or child on a plan has a social worker.", nameof(profile));
        }
        var reportedBefore = (YearGroup, SenStatus, FreeSchoolMeals, Sex, Profile.EthnicityCode);
        Upn = upn;
        GivenName = givenName.Trim();
        FamilyName = familyName.Trim();
        DateOfBirth = dateOfBirth;
        Sex = sex;
        YearGroup = yearGroup;
        SenStatus = senStatus;
        FreeSchoolMeals = freeSchoolMeals;
        LookedAfter = lookedAfter;
        ChildInNeed = childInNeed;
        ChildProtection = childProtection;
        Profile = profile;
        return reportedBefore != (YearGroup, SenStatus, FreeSchoolMeals, Sex, Profile.EthnicityCode);
    }

    /// <summary>Folds this record into another record of the same child; this one then reads as that one.</summary>
    public void MergeInto(Pupil primary)
    {
        if (primary.Id == Id)
        {
            throw new PreconditionFailedException("A record cannot be merged into itself.");
        }
        if (MergedInto is not null || primary.MergedInto is not null)
        {
            throw new PreconditionFailedException("One of the two records has already been merged into another.");
        }
        MergedInto = primary.Id;
    }

    /// <summary>Marks a new record as another school's record of a child already known (same UPN).</summary>
    public void MarkDuplicateOf(Pupil existing)
    {
        if (existing.Upn != Upn || existing.Id == Id)
        {
            throw new InvalidOperationException("Only a record of the same UPN can be a duplicate.");
        }
        DuplicateOf = existing.Id;
    }

    /// <summary>
    /// Resolves a duplicate: the child has moved to the duplicate's school, so the one record moves there from
    /// <paramref name="movedOn"/> and the duplicate is folded into it.
    /// </summary>
    public void ResolveInto(Pupil primary, DateOnly movedOn)
    {
        if (DuplicateOf != primary.Id || MergedInto is not null)
        {
            throw new PreconditionFailedException("This record is not awaiting resolution as a duplicate of that pupil.");
        }
        if (primary.SchoolUrn != SchoolUrn)
        {
            primary.MoveTo(SchoolUrn, movedOn);
        }
        MergedInto = primary.Id;
    }

    /// <summary>Moves the pupil to another school from a date, closing the current spell.</summary>
    public void MoveTo(string schoolUrn, DateOnly movedOn)
    {
        if (schoolUrn == SchoolUrn)
        {
            throw new PreconditionFailedException("The pupil is already at that school.");
        }
        var current = _schoolHistory.Single(s => s.To is null);
        if (movedOn < current.From)
        {
            throw new PreconditionFailedException("A move cannot be dated before the pupil joined the current school.");
        }
        current.To = movedOn;
        _schoolHistory.Add(SchoolSpell.Start(Id, schoolUrn, movedOn));
        SchoolUrn = schoolUrn;
    }
}
