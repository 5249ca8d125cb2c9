using Npgsql;

namespace Vinted.Orchestration.Storage;

/// <summary>Maps ledger rows to records; the column lists below are the ones these readers expect.</summary>
internal static class LedgerReader
{
    public const string InstanceColumns =
        "id, name, status, input::text, output::text, custom_status::text, error, outstanding, executions, created_at, updated_at, completed_at, wake_pending";

    public const string StepColumns =
        "seq, name, queue, input::text, input_hash, retry::text, status, output::text, error, errors::text, attempts, rewinds, scheduled_at, started_at, completed_at";

    public static InstanceRecord Instance(NpgsqlDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        Enum.Parse<OrchestrationRuntimeStatus>(r.GetString(2)),
        NullableString(r, 3),
        NullableString(r, 4),
        NullableString(r, 5),
        NullableString(r, 6),
        r.GetInt32(7),
        r.GetInt32(8),
        r.GetFieldValue<DateTimeOffset>(9),
        r.GetFieldValue<DateTimeOffset>(10),
        r.IsDBNull(11) ? null : r.GetFieldValue<DateTimeOffset>(11),
        r.GetBoolean(12));

    public static StepRecord Step(NpgsqlDataReader r) => new(
        r.GetInt32(0),
        r.GetString(1),
        r.GetString(2),
        NullableString(r, 3),
        r.GetString(4),
        r.GetString(5),
        Enum.Parse<StepStatus>(r.GetString(6)),
        NullableString(r, 7),
        NullableString(r, 8),
        r.GetString(9),
        r.GetInt32(10),
        r.GetInt32(11),
        r.GetFieldValue<DateTimeOffset>(12),
        r.IsDBNull(13) ? null : r.GetFieldValue<DateTimeOffset>(13),
        r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14));

    private static string? NullableString(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
}
