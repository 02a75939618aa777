using InclusionServices.KnownPupils;
using InclusionServices.ServiceDefaults;

namespace InclusionServices.Meetings.Panel;

public enum PanelPhase
{
    Primary = 1,
    /// <summary>Secondary, special and alternative provision settings.</summary>
    Secondary = 2,
}

/// <summary>
/// One sitting of the Inclusion Support and Alternative Provision (ISAP) panel. A case submitted on or before the
/// cut-off date goes to this sitting; a later one to the next. A sitting whose cut-off was not published takes no
/// case automatically.
/// </summary>
public sealed class PanelSitting
{
    private PanelSitting() { }

    public Guid Id { get; private set; }
    public PanelPhase Phase { get; private set; }
    public DateOnly? CutOffDate { get; private set; }
    public DateOnly MeetingDate { get; private set; }
    public uint Version { get; private set; }

    public static PanelSitting Schedule(PanelPhase phase, DateOnly? cutOffDate, DateOnly meetingDate)
    {
        Check(cutOffDate, meetingDate);
        return new PanelSitting { Id = Guid.CreateVersion7(), Phase = phase, CutOffDate = cutOffDate, MeetingDate = meetingDate };
    }

    public void Move(DateOnly? cutOffDate, DateOnly meetingDate)
    {
        Check(cutOffDate, meetingDate);
        CutOffDate = cutOffDate;
        MeetingDate = meetingDate;
    }

    public static bool IsOrderedCorrectly(DateOnly? cutOffDate, DateOnly meetingDate) => cutOffDate is null || cutOffDate <= meetingDate;

    private static void Check(DateOnly? cutOffDate, DateOnly meetingDate)
    {
        if (!IsOrderedCorrectly(cutOffDate, meetingDate))
        {
            throw new RequestValidationException([new FieldViolation("panel_sitting.cut_off_date", "must not be after the meeting date")]);
        }
    }
}

/// <summary>The panel's schedule for one phase: which sitting a case goes to.</summary>
public static class PanelSchedule
{
    public static PanelPhase PhaseOf(PupilSnapshot pupil) => pupil.IsPrimary ? PanelPhase.Primary : PanelPhase.Secondary;

    /// <summary>
    /// The first sitting of the phase whose cut-off is on or after the day the case was submitted; refused when none
    /// is scheduled yet.
    /// </summary>
    public static PanelSitting SittingFor(IEnumerable<PanelSitting> sittings, PanelPhase phase, DateOnly submittedOn) =>
        sittings.Where(s => s.Phase == phase && s.CutOffDate is { } cutOff && cutOff >= submittedOn)
            .OrderBy(s => s.CutOffDate).ThenBy(s => s.MeetingDate)
            .FirstOrDefault()
        ?? throw new PreconditionFailedException(
            $"No {phase.ToString().ToLowerInvariant()} panel sitting is scheduled with a cut-off on or after {submittedOn:d MMMM yyyy} yet; " +
            "a manager adds the next sittings.");
}

public enum PanelDecision
{
    PreventativePlacement = 1,
    InterimProvision = 2,
    ManagedMove = 3,
    MoreSupportInSchool = 4,
    NoAction = 5,
}

/// <summary>A case on a sitting's agenda, and the panel's decision on it.</summary>
public sealed class PanelCase : IBelongsToSchool
{
    private PanelCase() { }

    public Guid Id { get; private set; }
    /// <summary>referrals/{id} or meetings/{id}.</summary>
    public string Source { get; private set; } = "";
    public Guid PupilId { get; private set; }
    public string SchoolUrn { get; private set; } = "";
    public PupilSnapshot Pupil { get; private set; } = null!;
    public PanelPhase Phase { get; private set; }
    public DateOnly SubmittedOn { get; private set; }
    public Guid SittingId { get; private set; }
    public PanelDecision? Decision { get; private set; }
    public string? DecisionNotes { get; private set; }

    public static PanelCase Submit(string source, PupilSnapshot pupil, DateOnly submittedOn, IEnumerable<PanelSitting> sittings)
    {
        var phase = PanelSchedule.PhaseOf(pupil);
        var sitting = PanelSchedule.SittingFor(sittings, phase, submittedOn);
        return new PanelCase
        {
            Id = Guid.CreateVersion7(), Source = source, PupilId = pupil.PupilId, SchoolUrn = pupil.SchoolUrn, Pupil = pupil,
            Phase = phase, SubmittedOn = submittedOn, SittingId = sitting.Id,
        };
    }

    public void Decide(PanelDecision decision, string? notes)
    {
        if (Decision is not null)
        {
            throw new PreconditionFailedException("The panel's decision on this case is already recorded.");
        }
        Decision = decision;
        DecisionNotes = notes;
    }
}
