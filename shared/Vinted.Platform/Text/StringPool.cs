namespace Vinted.Platform.Text;

/// <summary>
/// Hands back one instance per distinct string value, up to <paramref name="capacity"/> values (past that, values are
/// passed through as they come). For readers that keep a batch of rows: a column such as a domain, a currency, a run id or
/// a page key repeats on most rows, and without pooling each row's copy lives as long as its batch, survives the young
/// collections and is promoted, so the heap grows with every batch until a full collection. Pooled, the reader's own
/// copy dies young and the batch holds the few shared ones. One reader at a time: not thread-safe.
/// </summary>
public sealed class StringPool(int capacity = 4_096)
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>The pooled instance equal to <paramref name="value"/> (or the value itself, now pooled or the pool full).</summary>
    public string Intern(string value)
    {
        if (_values.TryGetValue(value, out var pooled))
        {
            return pooled;
        }

        if (_values.Count < capacity)
        {
            _values.Add(value, value);
        }

        return value;
    }
}
