using System.Security.Cryptography;
using Npgsql;
using Parquet;
using Parquet.Schema;
using Vinted.Platform.Threading;

namespace Vinted.Lake.PartFiles;

/// <summary>A part file written to local disk: its columns, rows, bytes and the hashes its upload is checked with.</summary>
internal sealed record PartFile(string Path, IReadOnlyList<LakeColumn> Columns, long Rows, long Bytes, string Sha256, string Md5);

/// <summary>
/// Streams a query's rows into one local Parquet file, a row group at a time: the reader is consumed row by row into
/// column buffers of <see cref="LakeOptions.RowGroupRows"/> rows, which are written out and reused, so memory stays at two
/// row groups (one filling, one being encoded) whatever the query returns. The file's schema is the query's select list.
/// </summary>
internal static class PartFileWriter
{
    public static async Task<PartFile> WriteAsync(
        NpgsqlCommand command, string table, string path, LakeOptions options, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var schema = await reader.GetColumnSchemaAsync(cancellationToken);
        var columns = schema
            .Select(c => ColumnBuffer.For(table, c.ColumnName, c.DataTypeName ?? "unknown", c.AllowDBNull ?? true, options.RowGroupRows))
            .ToArray();
        var parquetOptions = new ParquetOptions
        {
            CompressionMethod = options.Compression == LakeCompression.Zstd ? CompressionMethod.Zstd : CompressionMethod.Snappy,
            CompressionLevel = options.CompressionLevel,
        };

        // Two sets of buffers: the reader fills one while the other's row group is encoded and compressed on another
        // core. Row groups still reach the file one at a time and in order; memory is two groups, not the day.
        ColumnBuffer[][] sets = [columns, [.. columns.Select(c => c.Twin())]];
        long rows = 0;
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => (Field)c.Field).ToArray()), file, parquetOptions, cancellationToken: cancellationToken))
        {
            Task encoding = Task.CompletedTask;
            var filling = 0;
            var buffered = 0;
            try
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var set = sets[filling];
                    for (var i = 0; i < set.Length; i++)
                    {
                        set[i].Read(reader, i, buffered);
                    }

                    rows++;
                    if (++buffered == options.RowGroupRows)
                    {
                        await encoding;
                        encoding = Task.Run(() => WriteGroupAsync(writer, set, options.RowGroupRows, cancellationToken), cancellationToken);
                        filling = 1 - filling;
                        buffered = 0;
                    }
                }

                await encoding;
            }
            catch
            {
                // The read failed: the group being encoded is waited for (its buffers and the file are about to go).
                await encoding.ObserveAsync();
                throw;
            }

            // A day without rows still gets a file (with its schema and no row group): the partition exists and is empty.
            if (buffered > 0)
            {
                await WriteGroupAsync(writer, sets[filling], buffered, cancellationToken);
            }
        }

        var (sha256, md5, bytes) = await HashAsync(path, cancellationToken);
        return new PartFile(path, [.. columns.Select(c => c.Column)], rows, bytes, sha256, md5);
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, ColumnBuffer[] columns, int rows, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        foreach (var column in columns)
        {
            await column.WriteAsync(group, rows, cancellationToken);
        }

        group.CompleteValidate();
    }

    private static async Task<(string Sha256, string Md5, long Bytes)> HashAsync(string path, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        long bytes = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            bytes += read;
        }

        return (Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()), bytes);
    }
}
