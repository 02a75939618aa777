using System.Reflection;
using Google.Protobuf.Reflection;

namespace InclusionServices.ServiceDefaults;

/// <summary>Enum values as events and documents name them: the .proto's own name, less the enum's prefix.</summary>
public static class ProtoEnums
{
    /// <summary>e.g. MeetingOutcome.ManagedMove -> "MANAGED_MOVE" (written MEETING_OUTCOME_MANAGED_MOVE in the .proto).</summary>
    public static string ShortName<T>(T value) where T : struct, Enum
    {
        var unspecified = OriginalName(default(T));
        var prefix = unspecified.EndsWith("UNSPECIFIED", StringComparison.Ordinal) ? unspecified[..^"UNSPECIFIED".Length] : "";
        var name = OriginalName(value);
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    private static string OriginalName<T>(T value) where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();
}
