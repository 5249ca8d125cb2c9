using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.Platform.Threading;
using Vinted.Warehouse.Logging;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// Rebuilds the mart for the run's date only: dimensions are upserted, the date's vanished facts and aggregates are
/// deleted and re-inserted, and the date's facts and features, each computed beside all that from the normalized model
/// (<see cref="DayBuild"/>), replace its partitions. A daily run therefore costs that day's rows, not the history.
/// Refuses a run whose staging or normalize checks did not pass.
/// </summary>
public sealed class MartBuilder
{
    /// <summary>A day's scripts in the build's transaction before its facts are attached, and after; its facts and features are computed beside them (<see cref="DayBuild"/>).</summary>
    private static readonly string[] BeforeFacts = ["mart_010_dimensions", "mart_020_facts"];
    private static readonly string[] AfterFacts = ["mart_030_aggregates", "mart_040_vanished_outcome"];

    /// <summary>The one mart check that reads the features: run once they are attached, the others before.</summary>
    private const string FeaturesCheck = "features_match_facts";

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
        List<(string RunId, List<CheckResult> Results)> checks;
        try
        {
            checks = await BuildDaysAsync(connection, transaction, days, cancellationToken);
        }
        catch
        {
            // Best effort: what it cannot drop (a broken connection) the day's next build drops.
            await RollBackAndDiscardAsync(transaction, days).ObserveAsync();
            throw;
        }

        if (checks.SelectMany(c => c.Results).Any(c => c.Blocking && !c.Passed))
        {
            await RollBackAndDiscardAsync(transaction, days);
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

    /// <summary>
    /// The days' dimensions, facts, aggregates and features, the facts and features computed beside the transaction
    /// (<see cref="DayBuild"/>) and attached to it; returns each day's checks, not yet acted on.
    /// </summary>
    private async Task<List<(string RunId, List<CheckResult> Results)>> BuildDaysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        var checks = new List<(string RunId, List<CheckResult> Results)>();
        await using (var factBuild = DayBuild.Start(_dataSource, _options, "mart_006_fact_build", days, cancellationToken))
        await using (var featureBuild = DayBuild.Start(_dataSource, _options, "mart_005_feature_build", days, cancellationToken))
        {
            await RunAsync(connection, transaction, BeforeFacts, days, cancellationToken);
            // Only once every day's facts are built, and the same for the features below: attaching a day drops the
            // partition a rebuilt day had, which locks the partitioned table that a build still running reads the shape of.
            await factBuild.Completion;
            foreach (var (_, day) in days)
            {
                await AttachAsync(connection, transaction, "fact_listing_daily", day, cancellationToken);
            }

            await RunAsync(connection, transaction, AfterFacts, days, cancellationToken);
            // The checks that read neither the features nor their table, while the features may still be computed.
            foreach (var (dayRun, day) in days)
            {
                checks.Add((dayRun, [.. await _quality.EvaluateAsync(connection, transaction, dayRun, day, WarehouseStage.Mart, cancellationToken, name => name != FeaturesCheck)]));
            }

            await featureBuild.Completion;
        }

        foreach (var ((dayRun, results), (_, day)) in checks.Zip(days))
        {
            await AttachAsync(connection, transaction, "fact_listing_features", day, cancellationToken);
            results.AddRange(await _quality.EvaluateAsync(connection, transaction, dayRun, day, WarehouseStage.Mart, cancellationToken, name => name == FeaturesCheck));
        }

        return checks;
    }

    /// <summary>
    /// Rolls the build back, then drops the day tables its builds sealed: they are back under their sealed names once the
    /// attaching transaction has rolled back, and are dropped under the shared lock, so that no build begun since sees
    /// its own tables dropped.
    /// </summary>
    private async Task RollBackAndDiscardAsync(NpgsqlTransaction transaction, List<(string RunId, DateOnly Date)> days)
    {
        await transaction.RollbackAsync(CancellationToken.None);
        await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var discard = await connection.BeginTransactionAsync(CancellationToken.None);
        await WarehouseSql.LockAsync(connection, discard, WarehouseSql.SharedLock, CancellationToken.None);
        foreach (var (_, day) in days)
        {
            await using var command = new NpgsqlCommand("select mart.discard_day_builds($1)", connection, discard);
            command.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = day });
            await command.ExecuteNonQueryAsync(CancellationToken.None);
        }

        await discard.CommitAsync(CancellationToken.None);
    }

    private async Task RunAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string[] scripts, List<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        foreach (var (runId, date) in days)
        {
            foreach (var script in scripts)
            {
                await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, _options.CommandTimeout, cancellationToken);
            }
        }
    }

    /// <summary>The day's table that a <see cref="DayBuild"/> sealed becomes its partition of <paramref name="parent"/>.</summary>
    private static async Task AttachAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string parent, DateOnly date, CancellationToken cancellationToken)
    {
        await using var attach = new NpgsqlCommand("select mart.attach_day_build($1, $2)", connection, transaction);
        attach.Parameters.Add(new NpgsqlParameter<string> { TypedValue = parent });
        attach.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = date });
        await attach.ExecuteNonQueryAsync(cancellationToken);
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
