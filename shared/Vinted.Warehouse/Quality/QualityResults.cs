using Npgsql;
using NpgsqlTypes;

namespace Vinted.Warehouse.Quality;

/// <summary>
/// The one reader of <c>quality.check_result</c>: the pipeline's report, the run page and the stage gates all read a
/// run's checks through it, as <see cref="CheckResult"/>s.
/// </summary>
public sealed class QualityResults(NpgsqlDataSource dataSource)
{
    /// <summary>Every check recorded for the run, in the stages' order; empty when none (or no warehouse schema yet).</summary>
    public async Task<IReadOnlyList<CheckResult>> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A database the warehouse has not migrated (a host that only serves pages, say) has no quality schema.
        await using (var exists = new NpgsqlCommand("select to_regclass('quality.check_result') is not null", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return [];
            }
        }

        return await ReadAsync(connection, null, runId, stage: null, cancellationToken);
    }

    /// <summary>The checks of one stage (or all, <paramref name="stage"/> null) inside the caller's transaction.</summary>
    internal static async Task<IReadOnlyList<CheckResult>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string runId, string? stage, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(WarehouseSql.Scripts["Quality/results"], connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<string>("run_id", NpgsqlDbType.Text) { TypedValue = runId });
        command.Parameters.Add(new NpgsqlParameter("stage", NpgsqlDbType.Text) { Value = (object?)stage ?? DBNull.Value });
        var results = new List<CheckResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new CheckResult(
                reader.GetString(0), reader.GetString(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3), reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetString(6))
            {
                CheckedAt = reader.GetFieldValue<DateTimeOffset>(7),
            });
        }

        return results;
    }
}
