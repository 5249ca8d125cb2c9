using System.ComponentModel.DataAnnotations;

namespace Vinted.Lake;

/// <summary>The <c>Lake</c> section: how the mart is written as Parquet. Every setting has a working default.</summary>
public sealed class LakeOptions
{
    public const string Section = "Lake";

    /// <summary>
    /// Rows buffered per Parquet row group: what bounds the writer's memory (two groups of a few hundred bytes a row:
    /// one filling while the other is encoded), whatever a day holds. Readers skip row groups by their statistics, so groups of 10^5 rows keep both sides cheap.
    /// </summary>
    [Range(1_000, 5_000_000)]
    public int RowGroupRows { get; set; } = 100_000;

    /// <summary>The codec of every column: <c>Zstd</c> (smaller) or <c>Snappy</c> (what older readers expect).</summary>
    public LakeCompression Compression { get; set; } = LakeCompression.Zstd;

    /// <summary>
    /// How hard the codec works: <c>Optimal</c> (zstd's default level) by default. Parquet.Net's own default is
    /// <c>SmallestSize</c>, zstd's slowest levels: on a day of 300,000 rows it took 59 s where <c>Optimal</c> took 2.6 s,
    /// for 17 % fewer bytes (3.4 against 4.1 MiB; <c>./vinted bench lake --level</c>).
    /// </summary>
    public System.IO.Compression.CompressionLevel CompressionLevel { get; set; } = System.IO.Compression.CompressionLevel.Optimal;

    /// <summary>Timeout of one table's read from PostgreSQL.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "06:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Where part files are staged on local disk before their upload; empty for the system's temp folder.</summary>
    public string TempPath { get; set; } = "";
}

/// <summary>The Parquet codecs the lake writes.</summary>
public enum LakeCompression
{
    Zstd,
    Snappy,
}
