namespace Vinted.Lake;

/// <summary>
/// Where the lake's objects live: <c>{prefix}/lake/{table}/_table.json</c> (the manifest, the one switch readers follow)
/// and <c>{prefix}/lake/{table}/{column}=YYYY-MM-DD/part-{writeId}.parquet</c> (a dimension's parts sit directly under
/// its table folder). A write id is new on every write, so a part is never overwritten in place.
/// </summary>
public sealed class LakeKeys(string prefix)
{
    public const string ManifestName = "_table.json";

    /// <summary>The folder of the lake, <c>{prefix}/lake/</c>.</summary>
    public string Root { get; } = $"{prefix.TrimEnd('/')}/lake/";

    public string Table(LakeTable table) => $"{Root}{table.Name}/";

    public string Manifest(LakeTable table) => Table(table) + ManifestName;

    /// <summary>The folder of a day (or of a dimension's current copy), ending with a slash.</summary>
    public string Partition(LakeTable table, DateOnly? day) =>
        table.PartitionPath(day) is { Length: > 0 } path ? $"{Table(table)}{path}/" : Table(table);

    /// <summary>A part's path relative to its table folder: what the manifest lists and readers append to the table's location.</summary>
    public static string PartPath(LakeTable table, DateOnly? day, string writeId) =>
        table.PartitionPath(day) is { Length: > 0 } path ? $"{path}/part-{writeId}.parquet" : $"part-{writeId}.parquet";
}
