using Npgsql;
using NpgsqlTypes;
using Vinted.Platform.Sql;

namespace Vinted.Warehouse;

/// <summary>The few statement helpers every stage shares.</summary>
internal static class WarehouseSql
{
    /// <summary>
    /// Serializes the set-based stages (normalize, mart) across hosts: they upsert shared tables, and two runs
    /// doing so at once would deadlock or interleave. Staging takes a per-run lock instead (its rows are per run).
    /// </summary>
    public const string SharedLock = "warehouse:shared";

    /// <summary>The warehouse's scripts: <c>Transformations/</c>, <c>Checks/</c>, <c>Vanished/</c>.</summary>
    public static readonly EmbeddedSql Scripts = EmbeddedSql.Of<Normalized.Normalizer>();

    public static NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction, TimeSpan timeout) =>
        new(sql, connection, transaction) { CommandTimeout = (int)timeout.TotalSeconds };

    /// <summary>
    /// Gives a set-based stage's transaction the memory its sorts and hashes need (<see cref="Options.WarehouseOptions.WorkMem"/>),
    /// and turns JIT compilation off for it: a day's statements are costed far above the JIT thresholds, and compiling
    /// each one took 1-2.5 s of CPU (measured at 1,000,000 listings, issue 21) for plans that are bound by sorts, hashes
    /// and writes, not by expression evaluation.
    /// </summary>
    public static async Task ConfigureStageAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string workMem, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select set_config('work_mem', @work_mem, true), set_config('jit', 'off', true)", connection, transaction);
        command.Parameters.AddWithValue("work_mem", workMem);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext(@name))", connection, transaction);
        command.Parameters.AddWithValue("name", name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs an embedded transformation with the run's two parameters.</summary>
    public static async Task<int> TransformAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string script, string runId, DateOnly date, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var command = Command(WarehouseSql.Scripts[$"Transformations/{script}"], connection, transaction, timeout);
        AddRunParameters(command, runId, date);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static void AddRunParameters(NpgsqlCommand command, string runId, DateOnly date)
    {
        command.Parameters.Add(new NpgsqlParameter<string>("run_id", NpgsqlDbType.Text) { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("observed_date", NpgsqlDbType.Date) { TypedValue = date });
    }

    /// <summary>The business date of a staged run; the later stages take it from staging, not from their caller.</summary>
    public static async Task<DateOnly> StagedDateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select observed_date from staging.run where run_id = @run_id", connection, transaction);
        command.Parameters.AddWithValue("run_id", runId);
        return await command.ExecuteScalarAsync(cancellationToken) is DateOnly date
            ? date
            : throw new InvalidOperationException($"Run '{runId}' has not been staged: call StagingLoader.LoadAsync first.");
    }
}
