using System.Globalization;
using Npgsql;
using Vinted.Warehouse.Options;

namespace Vinted.Warehouse.Quality;

/// <summary>
/// Runs a stage's named checks (each an embedded script <c>Sql/Checks/{stage}_{name}.sql</c> whose one query returns
/// one row of observed, expected and details, between any <c>set local</c> the query's plan needs; it passes when
/// observed equals expected, or for a threshold check when observed is at most expected), records them in
/// <c>quality.check_result</c>, and gates each stage on the checks of the stages before it.
/// </summary>
internal sealed class QualityRunner(TimeProvider time, Microsoft.Extensions.Options.IOptions<WarehouseOptions> options)
{
    private static readonly (string Stage, string Name, bool Blocking, bool AtMost)[] Checks =
    [
        (WarehouseStage.Staging, "row_count_matches_manifest", true, false),
        (WarehouseStage.Staging, "observation_keys_unique", true, false),
        (WarehouseStage.Staging, "prices_positive", true, false),
        (WarehouseStage.Staging, "currencies_known", true, false),
        (WarehouseStage.Staging, "rejects_within_share", true, true),
        (WarehouseStage.Staging, "no_rejects", false, false),
        (WarehouseStage.Normalize, "items_match_staging", true, false),
        (WarehouseStage.Normalize, "one_open_price_version", true, false),
        (WarehouseStage.Normalize, "no_orphan_references", true, false),
        (WarehouseStage.Mart, "facts_match_sightings", true, false),
        (WarehouseStage.Mart, "aggregates_match_facts", true, false),
        (WarehouseStage.Mart, "no_orphan_dimensions", true, false),
        (WarehouseStage.Mart, "features_match_facts", true, false),
    ];

    /// <summary>Evaluates the checks of <paramref name="stage"/> (those <paramref name="named"/> accepts, when given) inside the stage's own transaction.</summary>
    public async Task<IReadOnlyList<CheckResult>> EvaluateAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, DateOnly date, string stage, CancellationToken cancellationToken,
        Func<string, bool>? named = null)
    {
        var results = new List<CheckResult>();
        foreach (var (checkStage, name, blocking, atMost) in Checks.Where(c => c.Stage == stage && (named is null || named(c.Name))))
        {
            var sql = WarehouseSql.Scripts[$"Checks/{checkStage}_{name}"];
            await using var command = WarehouseSql.Command(sql, connection, transaction, options.Value.CommandTimeout);
            WarehouseSql.AddRunParameters(command, runId, date);
            if (sql.Contains("@max_reject_share", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<decimal>("max_reject_share", NpgsqlTypes.NpgsqlDbType.Numeric) { TypedValue = (decimal)options.Value.MaxRejectShare });
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            decimal? observed = reader.IsDBNull(0) ? null : Convert.ToDecimal(reader.GetValue(0), CultureInfo.InvariantCulture);
            decimal? expected = reader.IsDBNull(1) ? null : Convert.ToDecimal(reader.GetValue(1), CultureInfo.InvariantCulture);
            var details = reader.IsDBNull(2) ? null : reader.GetString(2);
            var passed = observed is not null && expected is not null && (atMost ? observed <= expected : observed == expected);
            results.Add(new CheckResult(checkStage, name, passed, observed, expected, blocking, details));
        }

        return results;
    }

    /// <summary>Replaces the run's results for the checks' stage.</summary>
    public async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, IReadOnlyList<CheckResult> results, CancellationToken cancellationToken)
    {
        var checkedAt = time.GetUtcNow();
        foreach (var stage in results.Select(r => r.Stage).Distinct())
        {
            await using var delete = new NpgsqlCommand("delete from quality.check_result where run_id = @run_id and stage = @stage", connection, transaction);
            delete.Parameters.AddWithValue("run_id", runId);
            delete.Parameters.AddWithValue("stage", stage);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var batch = new NpgsqlBatch(connection, transaction);
        await using (batch)
        {
            foreach (var r in results)
            {
                var command = new NpgsqlBatchCommand(
                    """
                    insert into quality.check_result (run_id, stage, check_name, passed, observed, expected, blocking, details, checked_at)
                    values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = runId });
                command.Parameters.Add(new NpgsqlParameter { Value = r.Stage });
                command.Parameters.Add(new NpgsqlParameter { Value = r.Name });
                command.Parameters.Add(new NpgsqlParameter { Value = r.Passed });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Observed ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Expected ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric });
                command.Parameters.Add(new NpgsqlParameter { Value = r.Blocking });
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)r.Details ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                command.Parameters.Add(new NpgsqlParameter { Value = checkedAt });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Records results in their own transaction: for a stage whose work was rolled back because a check failed.</summary>
    public async Task RecordAsync(NpgsqlDataSource dataSource, string runId, IReadOnlyList<CheckResult> results, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RecordAsync(connection, transaction, runId, results, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Throws unless every blocking check of <paramref name="stage"/> was recorded for the run and passed.</summary>
    public static async Task EnsurePassedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, string stage, CancellationToken cancellationToken)
    {
        var recorded = await QualityResults.ReadAsync(connection, transaction, runId, stage, cancellationToken);
        if (recorded.Count == 0)
        {
            throw new DataQualityException($"Run '{runId}' has no recorded '{stage}' checks: that stage has not completed, so the next one must not run.");
        }

        ThrowIfBlockingFailed(runId, stage, recorded);
    }

    public static void ThrowIfBlockingFailed(string runId, string stage, IReadOnlyList<CheckResult> results)
    {
        var failed = results.Where(r => r.Blocking && !r.Passed).ToList();
        if (failed.Count > 0)
        {
            throw new DataQualityException(runId, stage, failed);
        }
    }
}
