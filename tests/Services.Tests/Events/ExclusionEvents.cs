using Inclusion.Events.V1;

namespace InclusionServices.Tests.Events;

/// <summary>ExclusionChanged events as Referrals would publish them, for consumers tested without it.</summary>
public static class ExclusionEvents
{
    public const string Exchange = "inclusion.events.v1.ExclusionChanged";

    /// <summary>A step of a new exclusion of <paramref name="pupil"/>; a sixth day is owed only when one is given.</summary>
    public static ExclusionChanged Changed(ExclusionStep step, ExclusionEventKind kind, string pupil, string schoolUrn, string sixthDayDue = "") => new()
    {
        Metadata = new EventMetadata { EventId = Guid.NewGuid().ToString(), Producer = "referrals", Sequence = 1, Subject = "exclusions/x" },
        Exclusion = "exclusions/" + Guid.NewGuid(), Step = step, Kind = kind, StartDate = "2026-01-12", Sessions = 2,
        SixthDayProvisionDue = sixthDayDue, SixthDayProvisionHolder = sixthDayDue.Length > 0 ? "School" : "",
        SixthDayCountedFrom = sixthDayDue.Length > 0 ? "2026-01-12" : "",
        Pupil = new PupilReportAttributes { Pupil = pupil, SchoolUrn = schoolUrn, Phase = SchoolPhase.Secondary, YearGroup = 9 },
    };

    public static async Task PublishAsync(PlainRabbitMq broker, params ExclusionChanged[] events)
    {
        foreach (var changed in events)
        {
            await broker.PublishJsonAsync(Exchange, Google.Protobuf.JsonFormatter.Default.Format(changed), changed.Metadata.EventId);
        }
    }
}
