using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// The payload of a NOTIFY on the orchestration channel: the instances that have new messages, so a host wakes only
/// the session waiting on one of them, and its poller only when an instance is not already held by a local session.
/// An empty payload means "any instance" (too many to list, or an id that cannot be listed): everyone wakes.
/// </summary>
internal static class WakeTargets
{
    // PostgreSQL refuses a payload of 8,000 bytes or more; past this the notification names no instance.
    private const int MaxPayloadBytes = 7_900;

    private const char Separator = '\n';

    /// <summary>The payload naming <paramref name="instanceIds"/> (each once), or "" when they do not fit or cannot be told apart.</summary>
    public static string Payload(IEnumerable<string> instanceIds)
    {
        var distinct = instanceIds.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0 || distinct.Any(id => id.Length == 0 || id.Contains(Separator, StringComparison.Ordinal)))
        {
            return "";
        }

        var payload = string.Join(Separator, distinct);
        return System.Text.Encoding.UTF8.GetByteCount(payload) < MaxPayloadBytes ? payload : "";
    }

    /// <summary>The instances a payload names; empty for "any instance".</summary>
    public static string[] Parse(string payload) => payload.Length == 0 ? [] : payload.Split(Separator);

    /// <summary>A NOTIFY on <paramref name="channel"/> naming <paramref name="instanceIds"/>: one per queue and transaction.</summary>
    public static NpgsqlBatchCommand Notify(string channel, IEnumerable<string> instanceIds) =>
        new("select pg_notify(@channel, @payload)")
        {
            Parameters = { new NpgsqlParameter<string>("channel", channel), new NpgsqlParameter<string>("payload", Payload(instanceIds)) },
        };
}
