namespace Vinted.Lake;

/// <summary>
/// A mart table as the lake holds it: a fact table is partitioned by its day column (one Hive partition per day, the
/// column itself only in the path), a dimension is one unpartitioned current copy. The columns are the select list of
/// <c>Sql/Tables/{name}.sql</c>.
/// </summary>
public sealed record LakeTable(string Name, string? PartitionColumn)
{
    /// <summary>The fact tables, one partition per day.</summary>
    public static IReadOnlyList<LakeTable> Facts { get; } =
    [
        new("fact_listing_daily", "snapshot_date"),
        new("fact_listing_vanished", "vanished_on"),
        new("fact_listing_out_of_view", "out_of_view_on"),
    ];

    /// <summary>The conformed dimensions, rewritten whole on every write (they are small and change in place).</summary>
    public static IReadOnlyList<LakeTable> Dimensions { get; } =
    [
        new("dim_date", null),
        new("dim_brand", null),
        new("dim_size", null),
        new("dim_condition", null),
        new("dim_catalog", null),
        new("dim_seller", null),
    ];

    public static IReadOnlyList<LakeTable> All { get; } = [.. Facts, .. Dimensions];

    /// <summary>The Hive partition folder of <paramref name="day"/> (<c>snapshot_date=2026-10-01</c>), or empty for a dimension.</summary>
    public string PartitionPath(DateOnly? day) =>
        PartitionColumn is null || day is null ? "" : $"{PartitionColumn}={day.Value:yyyy-MM-dd}";
}
