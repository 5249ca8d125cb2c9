using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.PostgreSql.Storage;
using Newtonsoft.Json;

namespace DurableTask.PostgreSql.Tests;

public sealed class SettingsAndSerializerTests
{
    [Theory]
    [InlineData("SchemaName", "Bad-Name")]
    [InlineData("LeaseDuration", "00:00:05")]
    [InlineData("ConnectionString", "")]
    [InlineData("SessionIdleTimeout", "00:01:00")]
    [InlineData("MaxDeliveryCount", "0")]
    public void Validate_SettingOutOfRange_NamesTheSetting(string name, string value)
    {
        var settings = new PostgreSqlOrchestrationServiceSettings { ConnectionString = "Host=127.0.0.1" };
        settings = name switch
        {
            "SchemaName" => settings with { SchemaName = value },
            "LeaseDuration" => settings with { LeaseDuration = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            "ConnectionString" => settings with { ConnectionString = value },
            "MaxDeliveryCount" => settings with { MaxDeliveryCount = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
            _ => settings with { SessionIdleTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var error = Assert.Throws<ArgumentException>(settings.Validate);

        Assert.Equal(name, error.ParamName);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryToken_RoundTrip_GivesTheKeyBack()
    {
        var created = new DateTime(2026, 11, 30, 12, 34, 56, 123, DateTimeKind.Utc).AddTicks(4560);

        var (at, id) = PostgreSqlOrchestrationService.QueryToken.Parse(PostgreSqlOrchestrationService.QueryToken.Format(created, "run|with|bars"));

        Assert.Equal(created, at);
        Assert.Equal("run|with|bars", id);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("bm8gYmFy")] // "no bar"
    [InlineData("OTk5OTk5OTk5OTk5OTk5OTk5OTk5fHg=")] // ticks that overflow
    public void QueryToken_Malformed_IsArgumentException(string token) =>
        Assert.Throws<ArgumentException>(() => PostgreSqlOrchestrationService.QueryToken.Parse(token));

    /// <summary>NUL survives; a lone surrogate (not valid UTF-16, not representable in JSON) becomes U+FFFD, never a failed write.</summary>
    [Fact]
    public void Serializer_RewoundEventWithNulAndLoneSurrogate_StoredAsAsciiJson()
    {
        var message = new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = "i", ExecutionId = "e" },
            Event = new ExecutionRewoundEvent(-1, "bad\0byte \ud800 here"),
        };

        var json = EventSerializer.Serialize(message);
        var back = EventSerializer.DeserializeMessage(json);

        Assert.All(json, c => Assert.InRange(c, ' ', '~'));
        var rewound = Assert.IsType<ExecutionRewoundEvent>(back.Event);
        Assert.Equal("bad\0byte \ufffd here", rewound.Reason);
        Assert.Equal("i", back.OrchestrationInstance.InstanceId);
    }

    [Fact]
    public void Serializer_TypeOutsideDurableTaskCore_IsRefused()
    {
        var json = """{"$type":"System.IO.FileInfo, System.IO.FileSystem","OriginalPath":"/etc/passwd"}""";

        Assert.Throws<JsonSerializationException>(() => EventSerializer.DeserializeEvent(json));
    }

    [Fact]
    public void Serializer_ManyMessagesAtOnce_AreEachInItsPlace()
    {
        // Past a few hundred the messages are serialized in parallel: each must still land in its own slot.
        var instance = new OrchestrationInstance { InstanceId = "fan-out", ExecutionId = "e1" };
        var messages = Enumerable.Range(0, 2_000)
            .Select(i => new TaskMessage { OrchestrationInstance = instance, Event = new TaskScheduledEvent(i, $"Call{i}", "", $"\"input {i}\"") })
            .ToList();

        var json = EventSerializer.Serialize(messages);

        Assert.Equal(messages.Select(EventSerializer.Serialize), json);
        Assert.Equal("Call1234", ((TaskScheduledEvent)EventSerializer.DeserializeMessage(json[1234]).Event).Name);
    }
}
