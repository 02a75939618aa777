using System.ComponentModel.DataAnnotations.Schema;
using System.Text.Json;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.ReferralCases;

public enum ReferralStatus
{
    Draft = 1,
    Submitted = 2,
    Accepted = 3,
    Declined = 4,
    Allocated = 5,
    InContact = 6,
    Closed = 7,
}

public sealed record Referrer(string FullName, string? Email, string? Telephone, string? RelationshipToChild);

public sealed record InvolvedProfessional(string FullName, string? Role, string? Telephone, string? Email);

public sealed record SignOff(string FullName, DateOnly SignedOn);

/// <summary>The referral form as the school fills it in (first seed document), checked for format by the API.</summary>
public sealed record ReferralForm(
    DateOnly? DateMade,
    Referrer? Referrer,
    IReadOnlyList<InvolvedProfessional> InvolvedProfessionals,
    string? AttainmentAndProgress,
    string? LevelsOfSupport,
    string? PreviousExclusions,
    bool ExclusionPreventionMeetingHeld,
    string? ExclusionPreventionMeetingDetails,
    string? MainReason,
    string? SupportWanted,
    bool ParentalPermissionObtained,
    SignOff? ReferrerSignOff,
    SignOff? HeadTeacherSignOff,
    SignOff? SendcoSignOff,
    IReadOnlyList<Guid>? PreviousExclusionRecords = null)
{
    /// <summary>What a draft still lacks before the team can take it, in the form's words.</summary>
    public IReadOnlyList<string> MissingForSubmission()
    {
        var missing = new List<string>();
        void Need(bool present, string what)
        {
            if (!present)
            {
                missing.Add(what);
            }
        }
        Need(DateMade is not null, "the date the referral was made");
        Need(Referrer is not null, "the referrer's details");
        Need(!string.IsNullOrWhiteSpace(MainReason), "the main reason for referral");
        Need(!string.IsNullOrWhiteSpace(SupportWanted), "the support wanted from the service");
        Need(ReferrerSignOff is not null, "the referrer's sign-off");
        Need(HeadTeacherSignOff is not null, "the head teacher's sign-off");
        Need(SendcoSignOff is not null, "the SENDCo's sign-off");
        return missing;
    }
}

/// <summary>
/// A school's referral of one pupil and the team's handling of it. The state machine guards itself: a step the
/// referral is not in a state for is refused with the reason.
/// </summary>
public sealed class Referral : IBelongsToSchool
{
    private string _formJson = "";

    private Referral() { }

    public Guid Id { get; private set; }
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public ReferralStatus Status { get; private set; }
    public DateOnly? DateMade { get; private set; }
    public string? DeclineReason { get; private set; }
    public string? AllocatedOfficer { get; private set; }
    public DateTimeOffset? SubmittedAt { get; private set; }
    public DateTimeOffset? FirstContactAt { get; private set; }
    public string? CloseOutcome { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public uint Version { get; private set; }

    /// <summary>Stored as JSON in one column: it holds names and contact details and is never queried inside.</summary>
    [NotMapped]
    public ReferralForm Form
    {
        get => JsonSerializer.Deserialize<ReferralForm>(_formJson) ?? throw new InvalidOperationException("The referral has no form.");
        private set
        {
            _formJson = JsonSerializer.Serialize(value);
            DateMade = value.DateMade;
        }
    }

    /// <summary>Time from submission to the team's first contact: the service's response time.</summary>
    public TimeSpan? TimeToFirstContact => FirstContactAt - SubmittedAt;

    public static Referral Draft(Guid pupilId, string schoolUrn, ReferralForm form, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        PupilId = pupilId,
        SchoolUrn = schoolUrn,
        Status = ReferralStatus.Draft,
        Form = form,
        CreatedAt = now.ToStoredPrecision(),
    };

    public void Revise(ReferralForm form)
    {
        Require(ReferralStatus.Draft, "changed: once submitted, the form is the record of what the school sent");
        Form = form;
    }

    public void Submit(DateTimeOffset now)
    {
        Require(ReferralStatus.Draft, "submitted");
        var form = Form;
        if (!form.ParentalPermissionObtained)
        {
            throw new PreconditionFailedException("A referral cannot be submitted until parental permission has been confirmed.");
        }
        var missing = form.MissingForSubmission();
        if (missing.Count > 0)
        {
            throw new PreconditionFailedException("The referral is not ready to submit: it needs " + string.Join(", ", missing) + ".");
        }
        Status = ReferralStatus.Submitted;
        SubmittedAt = now.ToStoredPrecision();
    }

    public void Accept()
    {
        Require(ReferralStatus.Submitted, "accepted");
        Status = ReferralStatus.Accepted;
    }

    public void Decline(string reason)
    {
        Require(ReferralStatus.Submitted, "declined");
        DeclineReason = reason;
        Status = ReferralStatus.Declined;
    }

    /// <summary>Allocates an accepted referral, or re-allocates one before the first contact.</summary>
    public void Allocate(string officer)
    {
        if (Status is not (ReferralStatus.Accepted or ReferralStatus.Allocated))
        {
            throw new PreconditionFailedException($"Only an accepted referral can be allocated; this one is {Describe(Status)}.");
        }
        AllocatedOfficer = officer;
        Status = ReferralStatus.Allocated;
    }

    public void RecordFirstContact(DateTimeOffset contactedAt, DateTimeOffset now)
    {
        Require(ReferralStatus.Allocated, "marked as contacted: it must be allocated to an officer first");
        if (contactedAt < SubmittedAt || contactedAt > now)
        {
            throw new ArgumentOutOfRangeException(nameof(contactedAt), "First contact falls between submission and now.");
        }
        FirstContactAt = contactedAt.ToStoredPrecision();
        Status = ReferralStatus.InContact;
    }

    public void Close(string outcome)
    {
        Require(ReferralStatus.InContact, "closed: the team must have made first contact");
        CloseOutcome = outcome;
        Status = ReferralStatus.Closed;
    }

    private void Require(ReferralStatus expected, string what)
    {
        if (Status != expected)
        {
            throw new PreconditionFailedException(
                $"A referral that is {Describe(Status)} cannot be {what}; only a referral that is {Describe(expected)} can.");
        }
    }

    private static string Describe(ReferralStatus status) => status switch
    {
        ReferralStatus.InContact => "in contact",
        _ => status.ToString().ToLowerInvariant(),
    };
}
