using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vinted.Orchestration.Execution;

/// <summary>The one serializer setting of inputs, outputs and custom status: web casing, enums as names.</summary>
internal static class OrchestrationJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}
