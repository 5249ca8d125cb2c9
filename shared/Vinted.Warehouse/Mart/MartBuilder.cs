using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Warehouse.Logging;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// Rebuilds the mart for the run's date only: the date's fact partition is created or emptied and refilled from the
/// normalized model, the date's vanished facts and aggregates are deleted and re-inserted, dimensions are
/// upserted, and the date's features, computed beside all that (<see cref="FeatureBuild"/>), replace its features
/// partition. A daily run therefore costs that day's rows, not the history. Refuses a run whose staging or
/// normalize checks did not pass.
/// </summary>
public sealed class MartBuilder
{
    /// <summary>A day's scripts; its features are computed beside them (<see cref="FeatureBuild"/>) and attached at the end.</summary>
    private static readonly string[] Scripts = ["mart_010_dimensions", "mart_020_facts", "mart_030_aggregates", "mart_040_vanished_outcome"];

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
        await using var stage = await StageTransaction.BeginAsync(
            _dataSource, runId, _options.WorkMem, [WarehouseStage.Staging, WarehouseStage.Normalize], cancellationToken);
        var (connection, transaction, date) = (stage.Connection, stage.Transaction, stage.Date);

        // The run's day, then every day a late or repeated normalization left stale, in date order.
        var days = new List<(string RunId, DateOnly Date)> { (runId, date) };
        days.AddRange((await StaleDaysAsync(connection, transaction, cancellationToken)).Where(d => d.Date != date));
        await using (var features = FeatureBuild.Start(_dataSource, _options, days, cancellationToken))
        {
            foreach (var (dayRun, day) in days)
            {
                await BuildDayAsync(connection, transaction, dayRun, day, cancellationToken);
            }

            await features.Completion;
        }

        // Only once every day's features are computed: dropping a rebuilt day's partition locks the features' table,
        // which the computation reads the shape of.
        var checks = new List<(string RunId, IReadOnlyList<CheckResult> Results)>();
        foreach (var (dayRun, day) in days)
        {
            await using (var attach = new NpgsqlCommand("select mart.attach_features(@observed_date)", connection, transaction))
            {
                attach.Parameters.AddWithValue("observed_date", day);
                await attach.ExecuteNonQueryAsync(cancellationToken);
            }

            checks.Add((dayRun, await _quality.EvaluateAsync(connection, transaction, dayRun, day, WarehouseStage.Mart, cancellationToken)));
        }

        if (checks.SelectMany(c => c.Results).Any(c => c.Blocking && !c.Passed))
        {
            await transaction.RollbackAsync(cancellationToken);
            foreach (var (dayRun, results) in checks)
            {
                await _quality.RecordAsync(_dataSource, dayRun, results, cancellationToken);
            }

            var failed = checks.First(c => c.Results.Any(r => r.Blocking && !r.Passed));
            _logger.ChecksFailed(failed.RunId, WarehouseStage.Mart, string.Join("; ", failed.Results.Where(c => !c.Passed)));
            QualityRunner.ThrowIfBlockingFailed(failed.RunId, WarehouseStage.Mart, failed.Results);
        }

        var counts = await stage.CountsAsync("mart", runId, cancellationToken);
        var (facts, vanished, outOfView, aggregates) = (counts[0], counts[1], counts[2], counts[3]);
        foreach (var (dayRun, results) in checks)
        {
            await _quality.RecordAsync(connection, transaction, dayRun, results, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);

        var rebuilt = days.Skip(1).Select(d => d.Date).ToList();
        var result = new MartResult(runId, date, facts, vanished, aggregates, _time.GetElapsedTime(started)) { OutOfViewRows = outOfView, RebuiltDays = rebuilt };
        _logger.MartBuilt(runId, date, facts, vanished, outOfView, aggregates, rebuilt.Count, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    private async Task BuildDayAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, DateOnly date, CancellationToken cancellationToken)
    {
        await using (var prepare = new NpgsqlCommand("select mart.prepare_day(@observed_date)", connection, transaction))
        {
            prepare.Parameters.AddWithValue("observed_date", date);
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in Scripts)
        {
            await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
        }
    }

    private static async Task<List<(string RunId, DateOnly Date)>> StaleDaysAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select run_id, observed_date from core.observed_day where mart_stale order by observed_date", connection, transaction);
        var days = new List<(string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1)));
        }

        return days;
    }
}
