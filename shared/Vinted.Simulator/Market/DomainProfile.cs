namespace Vinted.Simulator.Market;

/// <summary>One country site of the simulated marketplace: language, currency and places.</summary>
internal sealed record DomainProfile(int Index, string Key, string Tld, string Currency, int Language, long CountryId, decimal Rate, long RoundingCents)
{
    /// <summary>The sites the simulator knows; <see cref="Index"/> is part of every generated id, so keep the order.</summary>
    public static readonly DomainProfile[] All =
    [
        new(0, "pt", "pt", "EUR", 2, 12, 1m, 50),
        new(1, "fr", "fr", "EUR", 1, 16, 1m, 50),
        new(2, "es", "es", "EUR", 3, 15, 1m, 50),
        new(3, "it", "it", "EUR", 5, 10, 1m, 50),
        new(4, "de", "de", "EUR", 4, 5, 1m, 50),
        new(5, "be", "be", "EUR", 1, 6, 1m, 50),
        new(6, "nl", "nl", "EUR", 0, 8, 1m, 50),
        new(7, "pl", "pl", "PLN", 6, 13, 4.3m, 100),
        new(8, "lt", "lt", "EUR", 0, 20, 1m, 50),
        new(9, "cz", "cz", "CZK", 7, 24, 25m, 1_000),
        new(10, "uk", "co.uk", "GBP", 0, 19, 0.85m, 50),
        new(11, "us", "com", "USD", 0, 18, 1.08m, 100),
    ];

    public string SiteUrl => $"https://www.vinted.{Tld}";

    public static DomainProfile? Find(string key) => All.FirstOrDefault(d => d.Key == key);

    /// <summary>City ids of the country: five per country.</summary>
    public long CityId(int city) => CountryId * 1_000 + city + 1;
}
