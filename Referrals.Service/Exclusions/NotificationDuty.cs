using InclusionServices.Referrals.Pupils;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Referrals.Exclusions;

/// <summary>Who must be told of an exclusion besides the parents, when the child has one of them.</summary>
public enum NotificationRecipient
{
    /// <summary>The child's social worker: looked after, a child in need or on a child protection plan.</summary>
    SocialWorker = 1,
    /// <summary>The Virtual School Head of the authority that looks after the child.</summary>
    VirtualSchoolHead = 2,
    /// <summary>The local authority's SEN caseworker for a child with an EHC plan.</summary>
    SenCaseworker = 3,
}

public enum NotificationMethod
{
    Telephone = 1,
    Email = 2,
    Letter = 3,
    InPerson = 4,
    SecureMessage = 5,
}

/// <summary>
/// A duty to tell someone of an exclusion "without delay": due the school day it is recorded, held by the school (the
/// head teacher), met when the school or the team records when and how they were told. Not met by the end of the next
/// school day, it is reported missed. The contacts themselves stay on the pupil's record; the duty names only whom.
/// </summary>
public sealed class NotificationDuty
{
    private NotificationDuty() { }

    public Guid ExclusionId { get; private set; }
    public NotificationRecipient Recipient { get; private set; }
    public DateOnly Due { get; private set; }
    public DateOnly? ToldOn { get; private set; }
    public NotificationMethod? Method { get; private set; }
    public string? ToldBy { get; private set; }
    public DateTimeOffset? MissedReportedAt { get; private set; }

    public const string Holder = nameof(DutyHolder.School);

    /// <summary>The duties an exclusion of this pupil creates, due on <paramref name="due"/>.</summary>
    public static List<NotificationDuty> Owed(Pupil pupil, Guid exclusionId, DateOnly due)
    {
        var recipients = new List<NotificationRecipient>();
        if (Pupil.NeedsSocialWorker(pupil.LookedAfter, pupil.ChildInNeed, pupil.ChildProtection))
        {
            recipients.Add(NotificationRecipient.SocialWorker);
        }
        if (pupil.LookedAfter)
        {
            recipients.Add(NotificationRecipient.VirtualSchoolHead);
        }
        if (pupil.SenStatus == SenStatus.EhcPlan)
        {
            recipients.Add(NotificationRecipient.SenCaseworker);
        }
        return [.. recipients.Select(r => new NotificationDuty { ExclusionId = exclusionId, Recipient = r, Due = due })];
    }

    /// <summary>"Without delay": the school day the exclusion is recorded, or the next one when that is not a school day.</summary>
    public static DateOnly DueFrom(DateOnly recordedOn, SchoolDays days)
    {
        try
        {
            return days.IsSchoolDay(recordedOn) ? recordedOn : days.NthSchoolDayAfter(recordedOn, 1);
        }
        catch (CalendarNotKnownException)
        {
            return recordedOn;
        }
    }

    /// <summary>The last day it may still be met: the end of the school day after the one it was due.</summary>
    public DateOnly LastDay(SchoolDays days) => days.NthSchoolDayAfter(Due, 1);

    public void RecordTold(DateOnly toldOn, NotificationMethod method, string? toldBy)
    {
        if (ToldOn is not null)
        {
            throw new PreconditionFailedException($"The {Recipient} was already recorded as told on {ToldOn:d MMMM yyyy}.");
        }
        ToldOn = toldOn;
        Method = method;
        ToldBy = toldBy;
    }
}
