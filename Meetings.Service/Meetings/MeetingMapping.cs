using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using InclusionServices.ServiceDefaults;
using Proto = Inclusion.Meetings.V1;

namespace InclusionServices.Meetings.Meetings;

/// <summary>Meetings as messages. Proto enums share the domain's numbers, so they cast one to one.</summary>
public static class MeetingMapping
{
    public const string NamePrefix = "meetings/";
    public const string ActionsSegment = "/actions/";

    /// <summary>The meeting as the caller may see it: a school user never sees a contribution marked confidential.</summary>
    public static Proto.Meeting ToMessage(Meeting meeting, bool forSchool, DateOnly today)
    {
        var message = new Proto.Meeting
        {
            Name = NamePrefix + meeting.Id,
            Kind = (Proto.MeetingKind)meeting.Kind,
            Pupil = meeting.Pupil.Name,
            SchoolUrn = meeting.SchoolUrn,
            StartTime = Timestamp.FromDateTimeOffset(meeting.Slot.StartTime),
            DurationMinutes = meeting.Slot.DurationMinutes,
            Location = meeting.Slot.Location ?? "",
            Online = meeting.Slot.Online,
            LeadOfficer = meeting.LeadOfficer,
            Status = (Proto.MeetingStatus)meeting.Status,
            CancelReason = meeting.CancelReason ?? "",
            Outcome = (Proto.MeetingOutcome)(meeting.Outcome ?? 0),
            OutcomeDetails = meeting.OutcomeDetails ?? "",
            Exclusion = meeting.ExclusionId is { } exclusion ? "exclusions/" + exclusion : "",
            StatutoryDeadline = meeting.StatutoryDeadline?.ToProtoDate(),
            AfterStatutoryDeadline = meeting.AfterStatutoryDeadline,
            FollowedByPermanentExclusion = meeting.FollowedByPermanentExclusion,
            Etag = meeting.Version.ToString(CultureInfo.InvariantCulture),
        };
        message.Attendees.AddRange(meeting.Attendees.Select(a => new Proto.Attendee
        {
            FullName = a.FullName, Kind = (Proto.AttendeeKind)a.Kind, Role = a.Role ?? "", Organisation = a.Organisation ?? "", Attended = a.Attended,
        }));
        message.Contributions.AddRange(meeting.Contributions.Where(c => !forSchool || !c.Confidential).Select(c => new Proto.Contribution
        {
            Section = (Proto.ContributionSection)c.Section, Text = c.Text, Contributor = c.Contributor ?? "", Confidential = c.Confidential,
        }));
        message.Actions.AddRange(meeting.Actions.OrderBy(a => a.Number).Select(a => new Proto.MeetingAction
        {
            Name = $"{NamePrefix}{meeting.Id}{ActionsSegment}{a.Number}",
            Description = a.Description,
            Owner = a.Owner,
            DueDate = a.DueDate.ToProtoDate(),
            CompletedOn = a.CompletedOn?.ToProtoDate(),
            Overdue = a.IsOverdueOn(today),
        }));
        return message;
    }
}
