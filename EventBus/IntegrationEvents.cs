using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Inclusion.Events.V1
{
    /// <summary>An event one service tells the others about: a protobuf message whose field 1 is its metadata.</summary>
    public interface IIntegrationEvent : IMessage
    {
        EventMetadata Metadata { get; set; }
    }

    public sealed partial class SchoolRegistered : IIntegrationEvent;
    public sealed partial class SchoolUpdated : IIntegrationEvent;
    public sealed partial class ReferralStatusChanged : IIntegrationEvent;
    public sealed partial class ExclusionChanged : IIntegrationEvent;
    public sealed partial class DeadlineMissed : IIntegrationEvent;
    public sealed partial class PanelSittingScheduled : IIntegrationEvent;
    public sealed partial class ProviderAdded : IIntegrationEvent;
    public sealed partial class SchoolCalendarChanged : IIntegrationEvent;
    public sealed partial class MeetingChanged : IIntegrationEvent;
    public sealed partial class MeetingActionOverdue : IIntegrationEvent;
    public sealed partial class MeetingFollowedByPermanentExclusion : IIntegrationEvent;
    public sealed partial class PanelCaseListed : IIntegrationEvent;
    public sealed partial class PanelDecisionMade : IIntegrationEvent;
    public sealed partial class ProviderPlacesChanged : IIntegrationEvent;
    public sealed partial class PlacementChanged : IIntegrationEvent;
    public sealed partial class SixthDayProvisionArranged : IIntegrationEvent;
    public sealed partial class SixthDayProvisionMissed : IIntegrationEvent;
    public sealed partial class PartTimeTimetableChanged : IIntegrationEvent;
    public sealed partial class PartTimeTimetableReviewOverdue : IIntegrationEvent;
    public sealed partial class PupilAttributesChanged : IIntegrationEvent;
    public sealed partial class InternalExclusionRecorded : IIntegrationEvent;
}

namespace InclusionServices.EventBus
{
    using Inclusion.Events.V1;

    /// <summary>Every integration event type, by its full protobuf name (which is also its exchange name).</summary>
    public static class EventCatalog
    {
        private static readonly IReadOnlyDictionary<string, MessageDescriptor> ByName =
            new[]
            {
                SchoolRegistered.Descriptor, SchoolUpdated.Descriptor, ReferralStatusChanged.Descriptor, ExclusionChanged.Descriptor,
                DeadlineMissed.Descriptor, SchoolCalendarChanged.Descriptor, PanelSittingScheduled.Descriptor, MeetingChanged.Descriptor,
                MeetingActionOverdue.Descriptor, MeetingFollowedByPermanentExclusion.Descriptor, PanelCaseListed.Descriptor,
                PanelDecisionMade.Descriptor, ProviderAdded.Descriptor, ProviderPlacesChanged.Descriptor, PlacementChanged.Descriptor,
                SixthDayProvisionArranged.Descriptor, SixthDayProvisionMissed.Descriptor, PartTimeTimetableChanged.Descriptor,
                PartTimeTimetableReviewOverdue.Descriptor, PupilAttributesChanged.Descriptor,
                InternalExclusionRecorded.Descriptor,
            }
                .ToDictionary(d => d.FullName);

        /// <summary>Reads an event from its protobuf JSON; unknown fields from newer producers are ignored.</summary>
        public static IIntegrationEvent Parse(string eventType, string json) =>
            ByName.TryGetValue(eventType, out var descriptor)
                ? (IIntegrationEvent)EventJson.Parser.Parse(json, descriptor)
                : throw new InvalidOperationException($"Unknown integration event type '{eventType}'.");

        public static Type ClrType(string eventType) => ByName[eventType].ClrType;

        /// <summary>The event a replayed history record carries.</summary>
        public static IIntegrationEvent FromRecord(EventRecord record) =>
            ByName.TryGetValue(record.EventType, out var descriptor)
                ? (IIntegrationEvent)descriptor.Parser.ParseFrom(record.Event.Value)
                : throw new InvalidOperationException($"Unknown integration event type '{record.EventType}'.");

        /// <summary>
        /// The events each service publishes, by producer name: each service may publish to those exchanges only
        /// (its broker account allows no other), and declares them at start-up.
        /// </summary>
        public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> PublishedBy = new Dictionary<string, IReadOnlyList<string>>
        {
            ["referrals"] =
            [
                SchoolRegistered.Descriptor.FullName, SchoolUpdated.Descriptor.FullName, ReferralStatusChanged.Descriptor.FullName,
                ExclusionChanged.Descriptor.FullName, DeadlineMissed.Descriptor.FullName, SchoolCalendarChanged.Descriptor.FullName,
                PupilAttributesChanged.Descriptor.FullName, InternalExclusionRecorded.Descriptor.FullName,
            ],
            ["meetings"] =
            [
                PanelSittingScheduled.Descriptor.FullName, MeetingChanged.Descriptor.FullName, MeetingActionOverdue.Descriptor.FullName,
                MeetingFollowedByPermanentExclusion.Descriptor.FullName, PanelCaseListed.Descriptor.FullName, PanelDecisionMade.Descriptor.FullName,
            ],
            ["placements"] =
            [
                ProviderAdded.Descriptor.FullName, ProviderPlacesChanged.Descriptor.FullName, PlacementChanged.Descriptor.FullName,
                SixthDayProvisionArranged.Descriptor.FullName, SixthDayProvisionMissed.Descriptor.FullName,
                PartTimeTimetableChanged.Descriptor.FullName, PartTimeTimetableReviewOverdue.Descriptor.FullName,
            ],
            ["reporting"] = [],
        };
    }

    /// <summary>The wire body of an event: the protobuf JSON mapping (see docs/events.md).</summary>
    public static class EventJson
    {
        public static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
        public static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    }
}
