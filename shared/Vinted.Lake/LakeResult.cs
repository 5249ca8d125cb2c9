namespace Vinted.Lake;

/// <summary>What a lake write did: every partition it replaced (dimensions last), and how long it took.</summary>
public sealed record LakeResult(IReadOnlyList<DateOnly> Days, IReadOnlyList<LakeWrite> Writes, TimeSpan Elapsed)
{
    public long Rows => Writes.Sum(w => w.Rows);

    public long Bytes => Writes.Sum(w => w.Bytes);
}

/// <summary>One partition replaced: the table, the day (null for a dimension), its rows, bytes and the part's key.</summary>
public sealed record LakeWrite(string Table, DateOnly? Day, long Rows, long Bytes, string Key);
