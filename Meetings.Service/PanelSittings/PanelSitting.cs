using InclusionServices.ServiceDefaults;
namespace InclusionServices.Meetings.PanelSittings;

public enum PanelPhase
{
    Primary = 1,
    Secondary = 2,
}

/// <summary>
/// One sitting of the Inclusion Support and Alternative Provision (ISAP) panel. A case submitted on or before the
/// cut-off date goes to this sitting; a later one goes to the next.
/// </summary>
public sealed class PanelSitting
{
    private PanelSitting() { }

    public Guid Id { get; private set; }
    public PanelPhase Phase { get; private set; }
    public DateOnly CutOffDate { get; private set; }
    public DateOnly MeetingDate { get; private set; }

    public static PanelSitting Schedule(PanelPhase phase, DateOnly cutOffDate, DateOnly meetingDate)
    {
        if (!IsOrderedCorrectly(cutOffDate, meetingDate))
        {
            throw new ArgumentException("The cut-off date must not be after the meeting date.", nameof(cutOffDate));
        }
        return new PanelSitting
        {
            Id = Guid.CreateVersion7(),
            Phase = phase,
            CutOffDate = cutOffDate,
            MeetingDate = meetingDate,
        };
    }

    public static bool IsOrderedCorrectly(DateOnly cutOffDate, DateOnly meetingDate) => cutOffDate <= meetingDate;
}
