using System.Data;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Vinted.Lake.PartFiles;
using Vinted.Platform.Sql;

namespace Vinted.Lake;

/// <summary>
/// Writes the mart to the lake: for each day, the day's rows of every fact table as one new Parquet part per table
/// (streamed from PostgreSQL, a row group at a time), then the current dimensions. A partition is replaced by writing
/// its new part under a new name, then the table's manifest (the switch), then deleting the parts it superseded: a
/// reader that follows the manifest never sees half a day. A retry or a replay rewrites the same days from the mart as
/// it is, so writing is idempotent.
/// </summary>
public sealed class LakeWriter(NpgsqlDataSource dataSource, LakeStore store, IOptions<LakeOptions> options, TimeProvider time, ILogger<LakeWriter> logger)
{
    private static readonly EmbeddedSql Sql = EmbeddedSql.Of<LakeWriter>();

    private readonly LakeOptions _options = options.Value;

    /// <summary>Replaces the partitions of <paramref name="days"/> in every fact table, then (unless told not to) the dimensions.</summary>
    /// <exception cref="LakeDataException">A mart value has no exact Parquet form; nothing of its table's day is switched.</exception>
    public async Task<LakeResult> WriteAsync(IReadOnlyList<DateOnly> days, CancellationToken cancellationToken, bool dimensions = true)
    {
        var started = time.GetTimestamp();
        var writes = new List<LakeWrite>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        // One writer at a time per lake, across hosts: each manifest is read, changed and written back. Taken before any
        // snapshot, so a writer that waited reads the mart as the one before it left it, or newer, never older.
        await LockAsync(connection, "select pg_advisory_lock(hashtext(@name))", cancellationToken);
        try
        {
            foreach (var day in days.Distinct().Order())
            {
                writes.AddRange(await WriteTablesAsync(connection, LakeTable.Facts, day, cancellationToken));
            }

            if (dimensions)
            {
                writes.AddRange(await WriteTablesAsync(connection, LakeTable.Dimensions, null, cancellationToken));
            }
        }
        finally
        {
            await LockAsync(connection, "select pg_advisory_unlock(hashtext(@name))", CancellationToken.None);
        }

        var result = new LakeResult([.. days.Distinct().Order()], writes, time.GetElapsedTime(started));
        logger.LakeWritten(result.Days.Count, writes.Count, result.Rows, result.Bytes, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }

    /// <summary>The days in [<paramref name="from"/>, <paramref name="to"/>] the mart holds, for an export of the range.</summary>
    public async Task<IReadOnlyList<DateOnly>> MartDaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["mart_days"]);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", NpgsqlDbType.Date) { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", NpgsqlDbType.Date) { TypedValue = to });
        var days = new List<DateOnly>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            days.Add(reader.GetFieldValue<DateOnly>(0));
        }

        return days;
    }

    /// <summary>Writes a set of tables' partitions from one snapshot of the mart, then switches each table's manifest.</summary>
    private async Task<List<LakeWrite>> WriteTablesAsync(NpgsqlConnection connection, IReadOnlyList<LakeTable> tables, DateOnly? day, CancellationToken cancellationToken)
    {
        var writeId = $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff'Z'}-{Guid.NewGuid():N}"[..27];
        var parts = new List<(LakeTable Table, PartFile File, string Key)>();
        var folder = _options.TempPath.Length > 0
            ? Directory.CreateDirectory(Path.Combine(_options.TempPath, $"vinted-lake-{writeId}"))
            : Directory.CreateTempSubdirectory("vinted-lake-");

        try
        {
            // The tables of a day come from one snapshot, so a day's facts agree with each other.
            await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken))
            {
                foreach (var table in tables)
                {
                    await using var command = new NpgsqlCommand(Sql[$"Tables/{table.Name}"], connection, transaction)
                    {
                        CommandTimeout = (int)_options.CommandTimeout.TotalSeconds,
                    };
                    if (day is { } date)
                    {
                        command.Parameters.Add(new NpgsqlParameter<DateOnly>("day", NpgsqlDbType.Date) { TypedValue = date });
                    }

                    var file = await PartFileWriter.WriteAsync(command, table.Name, Path.Combine(folder.FullName, $"{table.Name}.parquet"), _options, cancellationToken);
                    var key = store.Keys.Table(table) + LakeKeys.PartPath(table, day, writeId);
                    await store.PutFileAsync(key, file.Path, file.Md5, cancellationToken);
                    File.Delete(file.Path);
                    parts.Add((table, file, key));
                }

                await transaction.CommitAsync(cancellationToken);
            }

            var writes = new List<LakeWrite>();
            foreach (var (table, file, key) in parts)
            {
                await SwitchAsync(table, day, file, key, cancellationToken);
                writes.Add(new LakeWrite(table.Name, day, file.Rows, file.Bytes, key));
            }

            return writes;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Points the table's manifest at the new part, then deletes every other part of the partition.</summary>
    private async Task SwitchAsync(LakeTable table, DateOnly? day, PartFile file, string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var path = table.PartitionPath(day);
        var value = day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var partition = new LakePartition(value, path, file.Rows, now, [new LakeFile(key[store.Keys.Table(table).Length..], key, file.Rows, file.Bytes, file.Sha256)]);
        var previous = await store.ReadManifestAsync(table, cancellationToken);
        var manifest = new LakeManifest(
            table.Name,
            "parquet",
            _options.Compression.ToString().ToLowerInvariant(),
            table.PartitionColumn is null ? null : new LakeColumn(table.PartitionColumn, "date", false),
            file.Columns,
            now,
            [.. (previous?.Partitions ?? []).Where(p => p.Value != value).Append(partition).OrderBy(p => p.Value, StringComparer.Ordinal)]);
        await store.PutManifestAsync(table, manifest, cancellationToken);

        // After the switch: a part not in the manifest is superseded (or left by a write that died before its switch).
        var superseded = (await store.ListPartsAsync(store.Keys.Partition(table, day), cancellationToken)).Where(k => k != key).ToList();
        await store.DeleteAsync(superseded, cancellationToken);
        logger.PartitionSwitched(table.Name, value ?? "(current)", file.Rows, file.Bytes, superseded.Count);
    }

    private static async Task LockAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", "vinted:lake");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
