using System.Globalization;
using InclusionServices.Placements.Providers;
using InclusionServices.SchoolCalendar;
using InclusionServices.ServiceDefaults;
using Proto = Inclusion.Placements.V1;

namespace InclusionServices.Placements.Placements;

/// <summary>Placements as messages, with the next review worked out in the pupil's school's calendar.</summary>
public static class PlacementMapping
{
    public static Proto.Placement ToMessage(Placement placement, LocalAuthorityCalendar calendar, DateOnly today)
    {
        var message = new Proto.Placement
        {
            Name = PlacementsApi.NamePrefix + placement.Id,
            Kind = (Proto.PlacementKind)placement.Kind,
            Pupil = placement.Pupil.Name,
            SchoolUrn = placement.SchoolUrn,
            Provider = placement.ProviderId is { } provider ? ProvidersApi.NamePrefix + provider : "",
            StartDate = placement.StartDate?.ToProtoDate(),
            EndDate = placement.EndDate?.ToProtoDate(),
            FullTime = placement.FullTime,
            HoursPerWeek = (double)(placement.HoursPerWeek ?? 0),
            ReviewEverySchoolWeeks = placement.ReviewEverySchoolWeeks,
            Status = (Proto.PlacementStatus)placement.Status,
            Outcome = (Proto.PlacementOutcome)(placement.Outcome ?? 0),
            Source = placement.Source ?? "",
            Etag = placement.Version.ToString(CultureInfo.InvariantCulture),
        };
        message.Reviews.AddRange(placement.Reviews.Select(r => new Proto.PlacementReview { ReviewedOn = r.ReviewedOn.ToProtoDate(), Notes = r.Notes ?? "" }));
        message.Warnings.AddRange(placement.Warnings);
        if (placement.Status == PlacementStatus.Started && placement.ReviewsCountFrom is { } from)
        {
            try
            {
                // "Every six school weeks": thirty school days of the pupil's school from the start or the last review.
                var due = calendar.For(placement.SchoolUrn).NthSchoolDayAfter(from, 5 * placement.ReviewEverySchoolWeeks);
                message.NextReviewDue = due.ToProtoDate();
                message.ReviewOverdue = due < today;
            }
            catch (CalendarNotKnownException notLoaded)
            {
                message.NextReviewNotCountedReason = notLoaded.Message;
            }
        }
        return message;
    }
}
