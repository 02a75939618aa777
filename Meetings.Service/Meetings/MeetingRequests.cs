using InclusionServices.ServiceDefaults;
using Proto = Inclusion.Meetings.V1;

namespace InclusionServices.Meetings.Meetings;

/// <summary>What a schedule request asks for, checked for form.</summary>
public sealed record NewMeeting(MeetingKind Kind, string Pupil, MeetingSlot Slot, string LeadOfficer, IReadOnlyList<Attendee> Attendees, Guid? ExclusionId);

/// <summary>What a record-held request says happened, checked for form.</summary>
public sealed record HeldMeeting(IReadOnlyList<Attendee> Attendees, IReadOnlyList<Contribution> Contributions, MeetingOutcome Outcome,
    string? OutcomeDetails, IReadOnlyList<(string Description, string Owner, DateOnly DueDate)> Actions);

/// <summary>Reads meeting requests into domain values, naming every offending field at once.</summary>
public static class MeetingRequests
{
    private const int LongestMeetingMinutes = 8 * 60;

    public static NewMeeting ReadNew(Proto.ScheduleMeetingRequest request)
    {
        var given = request.Meeting ?? new Proto.Meeting();
        var validation = new RequestValidation().OptionalRequestId(request.RequestId);
        validation.Check(given.Kind != Proto.MeetingKind.Unspecified && Enum.IsDefined(given.Kind), "meeting.kind", "must be one of the meeting kinds");
        validation.ResourceId(given.Pupil, "pupils/", "meeting.pupil");
        validation.RequireText(given.LeadOfficer, "meeting.lead_officer", 200);
        Guid? exclusion = given.Exclusion.Length == 0 ? null : validation.ResourceId(given.Exclusion, "exclusions/", "meeting.exclusion");
        var slot = ReadSlot(validation, given.StartTime, given.DurationMinutes, given.Location, given.Online, "meeting.");
        var attendees = ReadAttendees(validation, given.Attendees, "meeting.attendees");
        validation.ThrowIfInvalid();
        return new NewMeeting((MeetingKind)given.Kind, given.Pupil, slot!, given.LeadOfficer.Trim(), attendees, exclusion);
    }

    public static (MeetingSlot Slot, IReadOnlyList<Attendee> Attendees, uint Etag) ReadReschedule(Proto.RescheduleMeetingRequest request)
    {
        var validation = new RequestValidation();
        var slot = ReadSlot(validation, request.StartTime, request.DurationMinutes, request.Location, request.Online, "");
        var attendees = ReadAttendees(validation, request.Attendees, "attendees");
        var etag = validation.Etag(request.Etag, "meeting");
        validation.ThrowIfInvalid();
        return (slot!, attendees, etag);
    }

    public static (HeldMeeting Held, uint Etag) ReadHeld(Proto.RecordMeetingHeldRequest request)
    {
        var validation = new RequestValidation()
            .Check(request.Outcome != Proto.MeetingOutcome.Unspecified && Enum.IsDefined(request.Outcome), "outcome", "must be one of the outcomes");
        var attendees = ReadAttendees(validation, request.Attendees, "attendees");
        var contributions = request.Contributions.Select((c, i) =>
        {
            var field = $"contributions[{i}]";
            validation.Check(c.Section != Proto.ContributionSection.Unspecified && Enum.IsDefined(c.Section), field + ".section",
                    "must be one of the four questions or the pupil's or family's voice")
                .RequireText(c.Text, field + ".text", 4000);
            return new Contribution((ContributionSection)c.Section, c.Text.Trim(), Blank(c.Contributor), c.Confidential);
        }).ToList();
        var actions = request.Actions.Select((a, i) =>
        {
            var field = $"actions[{i}]";
            validation.RequireText(a.Description, field + ".description", 1000).RequireText(a.Owner, field + ".owner", 200);
            var due = validation.RequireDate(a.DueDate, field + ".due_date");
            return (a.Description.Trim(), a.Owner.Trim(), due ?? default);
        }).ToList();
        var etag = validation.Etag(request.Etag, "meeting");
        validation.ThrowIfInvalid();
        return (new HeldMeeting(attendees, contributions, (MeetingOutcome)request.Outcome, Blank(request.OutcomeDetails), actions), etag);
    }

    /// <summary>meetings/{id}/actions/{n}</summary>
    public static (Guid Meeting, int Action) ReadActionName(string name)
    {
        var validation = new RequestValidation();
        var split = name.IndexOf(MeetingMapping.ActionsSegment, StringComparison.Ordinal);
        var id = split > 0 ? validation.ResourceId(name[..split], MeetingMapping.NamePrefix, "name") : Guid.Empty;
        var number = split > 0 && int.TryParse(name.AsSpan(split + MeetingMapping.ActionsSegment.Length), out var n) && n > 0 ? n : 0;
        validation.Check(split > 0 && number > 0, "name", "must be meetings/{id}/actions/{number}").ThrowIfInvalid();
        return (id, number);
    }

    private static MeetingSlot? ReadSlot(RequestValidation validation, Google.Protobuf.WellKnownTypes.Timestamp? start, int minutes, string location,
        bool online, string prefix)
    {
        validation.Check(start is not null, prefix + "start_time", "is required")
            .Check(minutes is > 0 and <= LongestMeetingMinutes, prefix + "duration_minutes", $"must be from 1 to {LongestMeetingMinutes}")
            .Check(online || !string.IsNullOrWhiteSpace(location), prefix + "location", "is required unless the meeting is online");
        return validation.ReadTimestamp(start, prefix + "start_time") is { } starts ? new MeetingSlot(starts, minutes, Blank(location), online) : null;
    }

    private static List<Attendee> ReadAttendees(RequestValidation validation, IList<Proto.Attendee> attendees, string field) =>
        attendees.Select((a, i) =>
        {
            var at = $"{field}[{i}]";
            validation.RequireText(a.FullName, at + ".full_name", 100)
                .Check(a.Kind != Proto.AttendeeKind.Unspecified && Enum.IsDefined(a.Kind), at + ".kind", "must be one of the attendee kinds")
                .Check(a.Kind != Proto.AttendeeKind.Professional || !string.IsNullOrWhiteSpace(a.Organisation), at + ".organisation",
                    "is required for another agency's professional");
            return new Attendee(a.FullName.Trim(), (AttendeeKind)a.Kind, Blank(a.Role), Blank(a.Organisation), a.Attended);
        }).ToList();

    private static string? Blank(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
