namespace Vinted.Lake;

/// <summary>
/// <c>_table.json</c>: what a reader needs to read a table without listing the bucket. Written after the parts it lists
/// and before superseded parts are deleted, so a reader that follows it never sees half a day or a day twice.
/// </summary>
/// <param name="Table">The mart table's name.</param>
/// <param name="Partition">The Hive partition column (a date, only in the path), or null for a dimension.</param>
/// <param name="Columns">The columns inside every part file, in order.</param>
/// <param name="Partitions">Every partition in value order (one, with a null value, for a dimension).</param>
public sealed record LakeManifest(
    string Table, string Format, string Compression, LakeColumn? Partition, IReadOnlyList<LakeColumn> Columns, DateTimeOffset UpdatedAt, IReadOnlyList<LakePartition> Partitions)
{
    /// <summary>The rows of every partition.</summary>
    public long Rows => Partitions.Sum(p => p.Rows);
}

/// <summary>A column: its name, its Parquet type (<c>string</c>, <c>int32</c>, <c>int64</c>, <c>boolean</c>, <c>date</c>, <c>decimal(18,6)</c>, <c>timestamp(us,utc)</c>) and whether it may be null.</summary>
public sealed record LakeColumn(string Name, string Type, bool Nullable);

/// <summary>One partition (a day of a fact table, or a dimension's current copy) and its part files.</summary>
/// <param name="Value">The partition's value (<c>2026-10-01</c>), null for a dimension.</param>
/// <param name="Path">The partition's folder relative to the table's (<c>snapshot_date=2026-10-01</c>), empty for a dimension.</param>
public sealed record LakePartition(string? Value, string Path, long Rows, DateTimeOffset WrittenAt, IReadOnlyList<LakeFile> Files);

/// <summary>A part file: its path relative to the table's folder, its full key, rows, bytes and SHA-256.</summary>
public sealed record LakeFile(string Path, string Key, long Rows, long Bytes, string Sha256);
