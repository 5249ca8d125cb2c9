namespace Vinted.Simulator.Market;

/// <summary>How an item is served broken (<see cref="SimulatorFaults.BadItemFraction"/>).</summary>
public enum BadItem
{
    None,

    /// <summary><c>"id": "x5000000123"</c>: no 64-bit id.</summary>
    IdNotNumber,

    /// <summary>The title ends in <c>\ud800</c>, a lone surrogate (valid JSON, not valid Unicode).</summary>
    LoneSurrogateInTitle,

    /// <summary>The title ends in <c>\u0000</c>, which PostgreSQL text and jsonb refuse.</summary>
    NulInTitle,

    /// <summary><c>"price": "12,50"</c>: a decimal comma.</summary>
    DecimalCommaPrice,
}

/// <summary>Which items are served broken, and how: a pure function of (seed, item id, fraction), so a test knows.</summary>
public static class BadItems
{
    /// <summary>The way item <paramref name="id"/> is broken under <paramref name="seed"/> and <paramref name="fraction"/>.</summary>
    public static BadItem Of(ulong seed, long id, double fraction)
    {
        return Hash.Unit(Hash.Of(seed, id, 91)) < fraction ? (BadItem)(1 + (int)(Hash.Of(seed, id, 92) % 4)) : BadItem.None;
    }
}
