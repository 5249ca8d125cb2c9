using DurableTask.Core;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// History events and task messages as JSON, in DurableTask.Core's own form (Newtonsoft with type names, as its
/// emulator and Service Bus providers store them). Type names are resolved only within DurableTask.Core and the base
/// library: the stored text cannot make the worker instantiate anything else.
/// </summary>
internal static class EventSerializer
{
    private static readonly JsonSerializerSettings Typed = new()
    {
        TypeNameHandling = TypeNameHandling.Objects,
        SerializationBinder = new CoreTypesOnly(),
        ContractResolver = new HistoryEventResolver(),
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,

        // Pure ASCII JSON: NUL and lone surrogates in an error message are escapes, which a text column always accepts.
        StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
    };

    // The history as the Azure Storage provider's GetOrchestrationHistoryAsync gives it: plain objects, PascalCase.
    private static readonly JsonSerializerSettings Plain = new()
    {
        DateTimeZoneHandling = DateTimeZoneHandling.Utc,
        StringEscapeHandling = StringEscapeHandling.EscapeNonAscii,
    };

    // As Typed, without the inputs replay does not read (microsoft/durabletask-mssql skips the same payloads).
    private static readonly JsonSerializerSettings Lean = new()
    {
        TypeNameHandling = Typed.TypeNameHandling,
        SerializationBinder = Typed.SerializationBinder,
        ContractResolver = new HistoryEventResolver(leaveOutReplayPayloads: true),
        DateTimeZoneHandling = Typed.DateTimeZoneHandling,
        StringEscapeHandling = Typed.StringEscapeHandling,
    };

    public static string Serialize(HistoryEvent historyEvent) => JsonConvert.SerializeObject(historyEvent, Typed);

    /// <summary>
    /// A history event as stored: the input of a scheduled activity call or sub-orchestration, which replay never reads,
    /// comes back apart as <paramref name="payload"/> (null for every other event).
    /// </summary>
    public static string SerializeLean(HistoryEvent historyEvent, out string? payload)
    {
        payload = ReplayPayload(historyEvent);
        return payload is null ? Serialize(historyEvent) : JsonConvert.SerializeObject(historyEvent, Lean);
    }

    /// <summary>Puts back a payload that <see cref="SerializeLean"/> kept apart (for a client reading the history).</summary>
    public static HistoryEvent WithPayload(HistoryEvent historyEvent, string? payload)
    {
        switch (historyEvent)
        {
            case TaskScheduledEvent scheduled when payload is not null:
                scheduled.Input = payload;
                break;
            case SubOrchestrationInstanceCreatedEvent created when payload is not null:
                created.Input = payload;
                break;
        }

        return historyEvent;
    }

    private static string? ReplayPayload(HistoryEvent historyEvent) => historyEvent switch
    {
        TaskScheduledEvent scheduled => scheduled.Input,
        SubOrchestrationInstanceCreatedEvent created => created.Input,
        _ => null,
    };

    public static string Serialize(TaskMessage message) => JsonConvert.SerializeObject(message, Typed);

    /// <summary>Messages as stored, in order; a large turn's (a fan-out's) spread over the cores.</summary>
    public static string[] Serialize(IList<TaskMessage> messages)
    {
        var json = new string[messages.Count];
        Each(messages.Count, i => json[i] = Serialize(messages[i]));
        return json;
    }

    // Newtonsoft takes ~40 us a message here: a fan-out of 10,000 calls serialized its history and its calls for 0.9 s
    // on one core while the other waited (nothing else runs before the calls are queued).
    private const int ParallelFrom = 256;

    /// <summary>Runs <paramref name="serialize"/> for 0..count-1, in parallel when there are many (it must only write slot i).</summary>
    public static void Each(int count, Action<int> serialize)
    {
        if (count < ParallelFrom)
        {
            for (var i = 0; i < count; i++)
            {
                serialize(i);
            }

            return;
        }

        Parallel.For(0, count, serialize);
    }

    public static HistoryEvent DeserializeEvent(string json) =>
        JsonConvert.DeserializeObject<HistoryEvent>(json, Typed) ?? throw new InvalidDataException("A stored history event is empty.");

    public static TaskMessage DeserializeMessage(string json) =>
        JsonConvert.DeserializeObject<TaskMessage>(json, Typed) ?? throw new InvalidDataException("A stored task message is empty.");

    /// <summary>A payload (input, output, custom status) as stored: UTF-8 bytes, so NUL survives.</summary>
    public static byte[]? ToBytes(string? payload) => payload is null ? null : System.Text.Encoding.UTF8.GetBytes(payload);

    public static string? FromBytes(byte[]? bytes) => bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);

    public static string SerializeHistory(IEnumerable<HistoryEvent> events) => JsonConvert.SerializeObject(events, Plain);

    public static string? SerializeFailure(FailureDetails? failure) => failure is null ? null : JsonConvert.SerializeObject(failure, Plain);

    public static FailureDetails? DeserializeFailure(string? json) => json is null ? null : JsonConvert.DeserializeObject<FailureDetails>(json, Plain);

    public static string? SerializeTags(IDictionary<string, string>? tags) => tags is { Count: > 0 } ? JsonConvert.SerializeObject(tags, Plain) : null;

    public static Dictionary<string, string>? DeserializeTags(string? json) => json is null ? null : JsonConvert.DeserializeObject<Dictionary<string, string>>(json, Plain);

    /// <summary>
    /// Some history events (ExecutionRewoundEvent) have several constructors and no parameterless one, which Newtonsoft
    /// cannot choose between; their state is all in data members, so an uninitialized object filled from them is whole.
    /// </summary>
    private sealed class HistoryEventResolver(bool leaveOutReplayPayloads = false) : DefaultContractResolver
    {
        protected override JsonProperty CreateProperty(System.Reflection.MemberInfo member, MemberSerialization memberSerialization)
        {
            var property = base.CreateProperty(member, memberSerialization);
            if (leaveOutReplayPayloads && property.PropertyName == nameof(TaskScheduledEvent.Input) &&
                (member.DeclaringType == typeof(TaskScheduledEvent) || member.DeclaringType == typeof(SubOrchestrationInstanceCreatedEvent)))
            {
                property.ShouldSerialize = _ => false;
            }

            return property;
        }

        protected override JsonObjectContract CreateObjectContract(Type objectType)
        {
            var contract = base.CreateObjectContract(objectType);
            if (typeof(HistoryEvent).IsAssignableFrom(objectType) && !objectType.IsAbstract && contract.DefaultCreator is null)
            {
                contract.DefaultCreator = () => System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(objectType);
                contract.DefaultCreatorNonPublic = false;
            }

            return contract;
        }
    }

    private sealed class CoreTypesOnly : DefaultSerializationBinder
    {
        private static readonly HashSet<string> Allowed = [typeof(TaskMessage).Assembly.GetName().Name!, typeof(object).Assembly.GetName().Name!, "mscorlib"];

        public override Type BindToType(string? assemblyName, string typeName) =>
            assemblyName is not null && Allowed.Contains(assemblyName)
                ? base.BindToType(assemblyName, typeName)
                : throw new JsonSerializationException($"Type '{typeName}, {assemblyName}' is not a DurableTask.Core type.");
    }
}
