using System.ComponentModel.DataAnnotations;

namespace Vinted.Warehouse.Options;

/// <summary>The <c>Warehouse</c> section: how the warehouse stages load. Every setting has a working default.</summary>
public sealed class WarehouseOptions
{
    public const string Section = "Warehouse";

    /// <summary>Raw pages read from S3 ahead of the one being copied, so S3 latency overlaps the COPY.</summary>
    [Range(1, 64)]
    public int PageReadAhead { get; set; } = 8;

    /// <summary>Timeout of one set-based statement; a day of a million listings takes tens of seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "06:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The largest share of a run's items that may be rejected (unreadable id or price, text PostgreSQL cannot hold)
    /// before staging fails the run; below it the rejects are recorded and reported as a warning, and the day goes on.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MaxRejectShare { get; set; } = 0.01;

    /// <summary>
    /// PostgreSQL's <c>work_mem</c> for the normalize and mart transactions (their sorts and hashes of a day's listings),
    /// set for those transactions only: the server default (4MB) spills a million-row day to disk. The run items' one
    /// sort of a 1,000,000-listing day holds about 480 MB in memory; at 256MB it spilled 426 MB to disk (6.4 -> 4.8 s,
    /// issue 21). A ceiling per sort or hash, not an allocation: a 100,000-listing day uses a tenth of it.
    /// </summary>
    [RegularExpression("^[0-9]{1,6}(kB|MB|GB)$", ErrorMessage = "WorkMem is a PostgreSQL size such as 256MB.")]
    public string WorkMem { get; set; } = "1GB";
}
