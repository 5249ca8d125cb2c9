using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DurableTask.Converters;

namespace Vinted.Orchestration.Engine;

/// <summary>
/// How inputs, outputs and custom status are stored: JSON in camelCase with enum names, as the Functions worker
/// stores them and the Durable Functions HTTP API shows them, so stored payloads are served as they are.
/// </summary>
public static class EngineJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static JsonDataConverter Converter { get; } = new(Options);
}
