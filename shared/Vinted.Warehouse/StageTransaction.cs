using Npgsql;
using Vinted.Warehouse.Quality;

namespace Vinted.Warehouse;

/// <summary>
/// The one transaction a set-based stage (normalize, mart) runs in: the shared lock taken, the stage's work_mem set,
/// the run's staged date read, and the earlier stages' checks confirmed passed.
/// </summary>
internal sealed class StageTransaction : IAsyncDisposable
{
    private StageTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly date)
    {
        Connection = connection;
        Transaction = transaction;
        Date = date;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The run's business date, taken from staging rather than from the caller.</summary>
    public DateOnly Date { get; }

    /// <exception cref="DataQualityException">One of <paramref name="passedStages"/> has failed or missing checks.</exception>
    public static async Task<StageTransaction> BeginAsync(
        NpgsqlDataSource dataSource, string runId, string workMem, IReadOnlyList<string> passedStages, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            await WarehouseSql.LockAsync(connection, transaction, WarehouseSql.SharedLock, cancellationToken);
            await WarehouseSql.ConfigureStageAsync(connection, transaction, workMem, cancellationToken);
            var date = await WarehouseSql.StagedDateAsync(connection, transaction, runId, cancellationToken);
            foreach (var stage in passedStages)
            {
                await QualityRunner.EnsurePassedAsync(connection, transaction, runId, stage, cancellationToken);
            }

            return new StageTransaction(connection, transaction, date);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The one row of counts <c>Sql/Counts/{script}.sql</c> returns for the run and its date, in column order.</summary>
    public async Task<long[]> CountsAsync(string script, string runId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(WarehouseSql.Scripts[$"Counts/{script}"], Connection, Transaction);
        WarehouseSql.AddRunParameters(command, runId, Date);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counts = new long[reader.FieldCount];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = reader.GetInt64(i);
        }

        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
