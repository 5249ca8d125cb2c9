using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Warehouse.Logging;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;

namespace Vinted.Warehouse.Normalized;

/// <summary>
/// Upserts a staged run into the normalized model (<c>core</c>) with the set-based scripts
/// <c>Sql/Transformations/normalize_*.sql</c>, in one transaction, then checks it. A failing blocking check rolls the
/// whole run back, so the shared tables never hold a bad run. Idempotent per run.
/// </summary>
public sealed class Normalizer
{
    private static readonly string[] Scripts = ["normalize_010_run_items", "normalize_020_price_history", "normalize_030_items", "normalize_040_vanished", "normalize_050_statistics"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly QualityRunner _quality;
    private readonly WarehouseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Normalizer> _logger;

    internal Normalizer(NpgsqlDataSource dataSource, QualityRunner quality, IOptions<WarehouseOptions> options, TimeProvider time, ILogger<Normalizer> logger)
    {
        _dataSource = dataSource;
        _quality = quality;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <exception cref="DataQualityException">The run's staging checks failed or are missing, or a normalize check failed.</exception>
    public async Task<NormalizeResult> NormalizeAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var started = _time.GetTimestamp();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await WarehouseSql.LockAsync(connection, transaction, WarehouseSql.SharedLock, cancellationToken);
        var date = await WarehouseSql.StagedDateAsync(connection, transaction, runId, cancellationToken);
        await QualityRunner.EnsurePassedAsync(connection, transaction, runId, WarehouseStage.Staging, cancellationToken);

        foreach (var script in Scripts)
        {
            await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
        }

        var checks = await _quality.EvaluateAsync(connection, transaction, runId, date, WarehouseStage.Normalize, cancellationToken);
        if (checks.Any(c => c.Blocking && !c.Passed))
        {
            await transaction.RollbackAsync(cancellationToken);
            await _quality.RecordAsync(_dataSource, runId, checks, cancellationToken);
            _logger.ChecksFailed(runId, WarehouseStage.Normalize, string.Join("; ", checks.Where(c => !c.Passed)));
            QualityRunner.ThrowIfBlockingFailed(runId, WarehouseStage.Normalize, checks);
        }

        var listings = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from core.item_sighting where observed_date = @observed_date and run_id = @run_id", runId, date, cancellationToken);
        var fresh = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from core.item_sighting s join core.item i using (domain, item_id) where s.observed_date = @observed_date and s.run_id = @run_id and i.first_seen = @observed_date",
            runId, date, cancellationToken);
        var changes = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from core.item_sighting where observed_date = @observed_date and run_id = @run_id and previous_price is distinct from price and previous_price is not null",
            runId, date, cancellationToken);
        var vanished = await WarehouseSql.CountAsync(connection, transaction,
            "select count(*) from core.item_vanish where vanished_on = @observed_date and run_id = @run_id", runId, date, cancellationToken);
        await _quality.RecordAsync(connection, transaction, runId, checks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var result = new NormalizeResult(runId, date, listings, fresh, changes, vanished, _time.GetElapsedTime(started));
        _logger.Normalized(runId, date, listings, fresh, changes, vanished, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }
}
