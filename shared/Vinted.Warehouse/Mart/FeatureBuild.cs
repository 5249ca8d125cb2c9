using Npgsql;
using Vinted.Platform.Threading;
using Vinted.Warehouse.Options;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// The features of a mart build's days, computed in order on a connection of its own (<c>mart_005_feature_build.sql</c>),
/// each into a table of its own that the build's transaction attaches as the day's partition, while that transaction
/// writes each day's dimensions, facts and aggregates: PostgreSQL runs one statement on one core, and the build's
/// statements one after another left the other core idle. The rows are read from the normalized model as normalize
/// committed it, which no one else writes while the build holds the shared lock; each day is committed on its own (the
/// table is not the mart's until the build attaches it, and a stopped build's is dropped by the next).
/// </summary>
internal sealed class FeatureBuild : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private FeatureBuild(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = RunAsync(dataSource, options, days, _stop.Token);
    }

    /// <summary>Starts computing the features of <paramref name="days"/>; call it once the build holds the shared lock.</summary>
    public static FeatureBuild Start(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken) =>
        new(dataSource, options, days, cancellationToken);

    /// <summary>Completes when every day's features are sealed for the build to attach; throws what stopped them.</summary>
    public Task Completion => _run;

    private static async Task RunAsync(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (runId, date) in days)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await WarehouseSql.ConfigureStageAsync(connection, transaction, options.WorkMem, cancellationToken);
            await WarehouseSql.TransformAsync(connection, transaction, "mart_005_feature_build", runId, date, options.CommandTimeout, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>Stops a computation the build no longer waits for (it failed first) and waits for its connection to close.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.ObserveAsync();
        _stop.Dispose();
    }
}
