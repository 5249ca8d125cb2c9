using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Warehouse.Logging;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// Rebuilds the mart for the run's date only: the date's fact partition is created or emptied and refilled from the
/// normalized model, the date's vanished facts and aggregates are deleted and re-inserted, and dimensions are
/// upserted. A daily run therefore costs that day's rows, not the history. Refuses a run whose staging or
/// normalize checks did not pass.
/// </summary>
public sealed class MartBuilder
{
    private static readonly string[] Scripts = ["mart_010_dimensions", "mart_020_facts", "mart_030_aggregates"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly QualityRunner _quality;
    private readonly WarehouseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MartBuilder> _logger;

    internal MartBuilder(NpgsqlDataSource dataSource, QualityRunner quality, IOptions<WarehouseOptions> options, TimeProvider time, ILogger<MartBuilder> logger)
    {
        _dataSource = dataSource;
        _quality = quality;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <exception cref="DataQualityException">An earlier stage's checks failed or are missing, or a mart check failed (the mart is left as it was).</exception>
    public async Task<MartResult> BuildAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var started = _time.GetTimestamp();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await WarehouseSql.LockAsync(connection, transaction, WarehouseSql.SharedLock, cancellationToken);
        var date = await WarehouseSql.StagedDateAsync(connection, transaction, runId, cancellationToken);
        await QualityRunner.EnsurePassedAsync(connection, transaction, runId, WarehouseStage.Staging, cancellationToken);
        await QualityRunner.EnsurePassedAsync(connection, transaction, runId, WarehouseStage.Normalize, cancellationToken);

        await using (var prepare = new NpgsqlCommand("select mart.prepare_day(@observed_date)", connection, transaction))
        {
            prepare.Parameters.AddWithValue("observed_date", date);
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in Scripts)
        {
            await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
        }

        var checks = await _quality.EvaluateAsync(connection, transaction, runId, date, WarehouseStage.Mart, cancellationToken);
        if (checks.Any(c => c.Blocking && !c.Passed))
        {
            await transaction.RollbackAsync(cancellationToken);
            await _quality.RecordAsync(_dataSource, runId, checks, cancellationToken);
            _logger.ChecksFailed(runId, WarehouseStage.Mart, string.Join("; ", checks.Where(c => !c.Passed)));
            QualityRunner.ThrowIfBlockingFailed(runId, WarehouseStage.Mart, checks);
        }

        var facts = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from mart.fact_listing_daily where snapshot_date = @observed_date", runId, date, cancellationToken);
        var vanished = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from mart.fact_listing_vanished where vanished_on = @observed_date", runId, date, cancellationToken);
        var aggregates = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from mart.agg_daily_brand_catalog where snapshot_date = @observed_date", runId, date, cancellationToken);
        await _quality.RecordAsync(connection, transaction, runId, checks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var result = new MartResult(runId, date, facts, vanished, aggregates, _time.GetElapsedTime(started));
        _logger.MartBuilt(runId, date, facts, vanished, aggregates, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }
}
