using Npgsql;
using Vinted.Platform.Threading;
using Vinted.Warehouse.Options;

namespace Vinted.Warehouse.Mart;

/// <summary>
/// One partitioned table's rows for a mart build's days (its facts, <c>mart_006_fact_build.sql</c>, or its features,
/// <c>mart_005_feature_build.sql</c>), computed in order on a connection of its own, each day into a table of its own that
/// the build's transaction attaches as the day's partition (<c>mart.attach_day_build</c>), while that transaction
/// writes each day's dimensions and aggregates: PostgreSQL runs one statement on one core, and the build's statements
/// one after another left the other core idle. The rows are read from the normalized model as normalize committed it,
/// which no one else writes while the build holds the shared lock; each day is committed on its own (the table is not
/// the mart's until the build attaches it; a failed build discards it, a stopped one's is dropped by the next).
/// </summary>
internal sealed class DayBuild : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;

    private DayBuild(NpgsqlDataSource dataSource, WarehouseOptions options, string script, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _run = RunAsync(dataSource, options, script, days, _stop.Token);
    }

    /// <summary>Starts running <paramref name="script"/> for each of <paramref name="days"/>; call it once the build holds the shared lock.</summary>
    public static DayBuild Start(NpgsqlDataSource dataSource, WarehouseOptions options, string script, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken) =>
        new(dataSource, options, script, days, cancellationToken);

    /// <summary>Completes when every day's table is sealed for the build to attach; throws what stopped them.</summary>
    public Task Completion => _run;

    private static async Task RunAsync(NpgsqlDataSource dataSource, WarehouseOptions options, string script, IReadOnlyList<(string RunId, DateOnly Date)> days, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var (runId, date) in days)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await WarehouseSql.ConfigureStageAsync(connection, transaction, options.WorkMem, cancellationToken);
            await WarehouseSql.TransformAsync(connection, transaction, script, runId, date, options.CommandTimeout, cancellationToken);
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
