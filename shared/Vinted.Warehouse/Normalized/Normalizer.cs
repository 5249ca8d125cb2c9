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
/// whole run back, so the shared tables never hold a bad run. Idempotent per run; the run replaces whatever another
/// run of its date wrote. A date after every normalized date (the daily case) updates the history step by step,
/// touching only what changed; any other date (a backfill, a date run again) judges disappearances again for itself
/// and each scope's next run, and derives the affected listings' history from their sightings, so the order dates are
/// normalized in does not change the tables.
/// </summary>
public sealed class Normalizer
{
    private const string Exits = "normalize_040_exits";
    private const string Statistics = "normalize_050_statistics";
    private static readonly string[] Prepare = ["normalize_010_run_items", "normalize_015_supersede"];
    private static readonly string[] Daily = ["normalize_020_price_history", "normalize_030_items", Exits, "normalize_045_close_versions"];

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
        await using var stage = await StageTransaction.BeginAsync(_dataSource, runId, _options.WorkMem, [WarehouseStage.Staging], cancellationToken);
        var (connection, transaction, date) = (stage.Connection, stage.Transaction, stage.Date);

        var latest = await LatestDayAsync(connection, transaction, cancellationToken);
        foreach (var script in Prepare)
        {
            await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
        }

        if (latest is null || latest < date)
        {
            foreach (var script in Daily)
            {
                await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
            }
        }
        else
        {
            await WarehouseSql.TransformAsync(connection, transaction, "normalize_016_late_date", runId, date, _options.CommandTimeout, cancellationToken);
            await WarehouseSql.TransformAsync(connection, transaction, "normalize_030_items", runId, date, _options.CommandTimeout, cancellationToken);
            await WarehouseSql.TransformAsync(connection, transaction, Exits, runId, date, _options.CommandTimeout, cancellationToken);
            // A scope's next run after this date was judged against the run before this one; this date now comes between.
            foreach (var (laterRun, laterDate) in await NextDaysAsync(connection, transaction, date, cancellationToken))
            {
                await WarehouseSql.TransformAsync(connection, transaction, Exits, laterRun, laterDate, _options.CommandTimeout, cancellationToken);
            }

            await WarehouseSql.TransformAsync(connection, transaction, "normalize_060_rebuild_history", runId, date, _options.CommandTimeout, cancellationToken);
        }

        await WarehouseSql.TransformAsync(connection, transaction, Statistics, runId, date, _options.CommandTimeout, cancellationToken);

        var checks = await _quality.EvaluateAsync(connection, transaction, runId, date, WarehouseStage.Normalize, cancellationToken);
        if (checks.Any(c => c.Blocking && !c.Passed))
        {
            await transaction.RollbackAsync(cancellationToken);
            await _quality.RecordAsync(_dataSource, runId, checks, cancellationToken);
            _logger.ChecksFailed(runId, WarehouseStage.Normalize, string.Join("; ", checks.Where(c => !c.Passed)));
            QualityRunner.ThrowIfBlockingFailed(runId, WarehouseStage.Normalize, checks);
        }

        var counts = await stage.CountsAsync("normalize", runId, cancellationToken);
        var (listings, fresh, changes, vanished, outOfView) = (counts[0], counts[1], counts[2], counts[3], counts[4]);
        await _quality.RecordAsync(connection, transaction, runId, checks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var result = new NormalizeResult(runId, date, listings, fresh, changes, vanished, _time.GetElapsedTime(started)) { OutOfView = outOfView };
        _logger.Normalized(runId, date, listings, fresh, changes, vanished, outOfView, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    private static async Task<DateOnly?> LatestDayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select max(observed_date) from core.observed_day", connection, transaction);
        return await command.ExecuteScalarAsync(cancellationToken) is DateOnly latest ? latest : null;
    }

    /// <summary>
    /// For every search scope, its first run after <paramref name="date"/>: the only later dates whose disappearances
    /// depend on this date (each date is judged against its scopes' previous runs).
    /// </summary>
    private static async Task<List<(string RunId, DateOnly Date)>> NextDaysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly date, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(WarehouseSql.Scripts["Transformations/normalize_041_next_days"], connection, transaction);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("observed_date", NpgsqlTypes.NpgsqlDbType.Date) { TypedValue = date });
        var days = new List<(string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1)));
        }

        return days;
    }
}
