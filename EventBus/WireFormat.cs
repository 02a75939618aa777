using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using MassTransit;

namespace InclusionServices.EventBus;

/// <summary>
/// Lets MassTransit's raw JSON serializer write and read protobuf messages in the protobuf JSON mapping, so that
/// a reporting job in any language can decode an event from the .proto alone.
/// </summary>
public sealed class ProtobufJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeof(IMessage).IsAssignableFrom(typeToConvert) && !typeToConvert.IsInterface;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(ProtobufJsonConverter<>).MakeGenericType(typeToConvert))!;

    private sealed class ProtobufJsonConverter<T> : JsonConverter<T> where T : IMessage
    {
        private static readonly MessageDescriptor Descriptor = (MessageDescriptor)typeof(T)
            .GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            return (T)EventJson.Parser.Parse(document.RootElement.GetRawText(), Descriptor);
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteRawValue(EventJson.Formatter.Format(value));
    }
}

/// <summary>Names the exchange of a protobuf message after its full protobuf name, e.g. inclusion.events.v1.SchoolRegistered.</summary>
public sealed class EventExchangeNames(IEntityNameFormatter fallback) : IEntityNameFormatter
{
    public string FormatEntityName<T>() => typeof(IMessage).IsAssignableFrom(typeof(T)) && !typeof(T).IsInterface
        ? ExchangeFor(typeof(T))
        : fallback.FormatEntityName<T>();

    public static string ExchangeFor(Type messageType) =>
        ((MessageDescriptor)messageType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).FullName;
}
