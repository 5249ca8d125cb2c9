namespace Vinted.Simulator.Market;

/// <summary>SplitMix64: every generated fact is Mix(seed, listing, attribute), so nothing needs storing.</summary>
internal static class Hash
{
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Of(ulong seed, long index, int attribute) =>
        Mix(seed ^ Mix((ulong)index * 0xD1B54A32D192ED03UL + (ulong)attribute));

    /// <summary>A double in [0, 1).</summary>
    public static double Unit(ulong hash) => (hash >> 11) * (1.0 / (1UL << 53));

    /// <summary>FNV-1a over the string's chars: stable across processes, unlike string.GetHashCode.</summary>
    public static ulong Of(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        return Mix(hash);
    }
}
