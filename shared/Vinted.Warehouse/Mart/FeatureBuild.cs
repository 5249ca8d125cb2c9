using Npgsql;
using Vinted.Platform.Threading;
using Vinted.Warehouse.Options;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// The features of a mart build's days, computed in order on a connection of its own (<c>mart_005_feature_build.sql</c>)
/// while the build's transaction writes each day's dimensions, facts and aggregates: PostgreSQL runs one statement on
/// one core, and the build's statements one after another left the other core idle. The rows are read from the
/// normalized model as normalize committed it, which no one else writes while the build holds the shared lock.
/// </summary>
internal sealed class FeatureBuild : IAsyncDisposable
{
    private readonly TaskCompletionSource[] _days;
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private FeatureBuild(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        _days = [.. days.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously))];
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = RunAsync(dataSource, options, days, _stop.Token);
    }

    /// <summary>Starts computing the features of <paramref name="days"/>; call it once the build holds the shared lock.</summary>
    public static FeatureBuild Start(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken) =>
        new(dataSource, options, days, cancellationToken);

    /// <summary>Completes when day <paramref name="index"/>'s features are committed to <c>mart.feature_build</c>; throws what stopped them.</summary>
    public Task WaitAsync(int index) => _days[index].Task;

    private async Task RunAsync(NpgsqlDataSource dataSource, WarehouseOptions options, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            for (var i = 0; i < days.Count; i++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await WarehouseSql.ConfigureStageAsync(connection, transaction, options.WorkMem, cancellationToken);
                await WarehouseSql.TransformAsync(connection, transaction, "mart_005_feature_build", days[i].RunId, days[i].Date, options.CommandTimeout, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                _days[i].SetResult();
            }
        }
        catch (Exception exception)
        {
            foreach (var day in _days)
            {
                day.TrySetException(exception);
            }

            throw;
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
