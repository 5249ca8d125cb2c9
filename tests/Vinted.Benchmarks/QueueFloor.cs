using System.Diagnostics;
using Npgsql;

namespace Vinted.Benchmarks;

/// <summary>
/// The floor under any PostgreSQL backend: a bare queue on the same database, no framework. N messages; W workers
/// each claim one message with <c>FOR UPDATE SKIP LOCKED</c>, then complete it in one transaction (delete it, write
/// one result row, NOTIFY), as the backend does for one activity call, without its batching.
/// </summary>
internal static class QueueFloor
{
    public static async Task RunAsync(string connectionString, int messages, int workers, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var setup = dataSource.CreateCommand(
            """
            drop table if exists bench_queue, bench_results;
            create table bench_queue (id bigint generated always as identity primary key, payload text not null, locked_until timestamptz);
            create table bench_results (id bigint primary key, payload text not null);
            """))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var fill = dataSource.CreateCommand("insert into bench_queue (payload) select '{\"item\":' || i || '}' from generate_series(1, @n) i"))
        {
            fill.Parameters.AddWithValue("n", messages);
            await fill.ExecuteNonQueryAsync(cancellationToken);
        }

        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => WorkAsync(dataSource, cancellationToken)));
        watch.Stop();
        Console.WriteLine(
            $"{"SKIP LOCKED",-13} {messages,10:N0} {watch.Elapsed.TotalSeconds,8:F1} {messages / watch.Elapsed.TotalSeconds,7:F0} {"",14} {"",17}  " +
            $"bare queue floor: {workers} workers, claim one, complete in one transaction");
    }

    private static async Task WorkAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            long id;
            string payload;
            await using (var claim = new NpgsqlCommand(
                """
                update bench_queue q set locked_until = now() + interval '30 seconds'
                from (select id from bench_queue where locked_until is null order by id limit 1 for update skip locked) c
                where q.id = c.id returning q.id, q.payload
                """, connection))
            await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    return;
                }

                (id, payload) = (reader.GetInt64(0), reader.GetString(1));
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var complete = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("delete from bench_queue where id = @id") { Parameters = { new NpgsqlParameter<long>("id", id) } },
                    new NpgsqlBatchCommand("insert into bench_results (id, payload) values (@id, @payload)")
                    {
                        Parameters = { new NpgsqlParameter<long>("id", id), new NpgsqlParameter<string>("payload", payload) },
                    },
                    new NpgsqlBatchCommand("select pg_notify('bench_queue', '')"),
                },
            };
            await complete.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
