using System.Globalization;
using System.Text.RegularExpressions;

namespace Vinted.Monitoring.Insights;

/// <summary>
/// The query string every insight endpoint shares, as sent. Read as text and checked by <see cref="TryParse"/>, so
/// a bad value is a 400 problem naming the parameter, not a binding failure.
/// </summary>
public sealed record InsightQuery(string? Domain, string? Brand, string? Catalog, string? Currency, string? From, string? To, string? Bins, string? Top)
{
    /// <summary>The longest date range one request may cover.</summary>
    public const int MaxDays = 731;

    /// <summary>The default range, ending at the newest snapshot, when <c>from</c> is not given.</summary>
    public const int DefaultDays = 90;

    /// <summary>Checks every parameter; <paramref name="requireCurrency"/> for endpoints that report prices.</summary>
    public bool TryParse(bool requireCurrency, out InsightFilter filter, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var domain = Normalize(Domain)?.ToLowerInvariant();
        if (domain is not null && !Patterns.Domain().IsMatch(domain))
        {
            errors["domain"] = ["A domain is a site key such as 'pt' or 'fr' (2 to 10 letters)."];
        }

        var currency = Normalize(Currency)?.ToUpperInvariant();
        if (currency is null && requireCurrency)
        {
            errors["currency"] = ["This endpoint reports prices: give one ISO currency code (prices in different currencies are never mixed)."];
        }
        else if (currency is not null && !Patterns.Currency().IsMatch(currency))
        {
            errors["currency"] = ["A currency is a three-letter ISO code such as EUR or PLN."];
        }

        var brand = Normalize(Brand);
        if (brand is { Length: > 200 })
        {
            errors["brand"] = ["A brand title is at most 200 characters."];
        }

        long? catalog = null;
        if (Normalize(Catalog) is { } catalogText)
        {
            if (long.TryParse(catalogText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                catalog = id;
            }
            else
            {
                errors["catalog"] = ["A catalog is a Vinted catalog id (a positive integer)."];
            }
        }

        var from = ParseDate(From, "from", errors);
        var to = ParseDate(To, "to", errors);
        if (from is not null && to is not null)
        {
            if (from > to)
            {
                errors["from"] = ["from is on or before to."];
            }
            else if (to.Value.DayNumber - from.Value.DayNumber >= MaxDays)
            {
                errors["to"] = [$"A range covers at most {MaxDays} days."];
            }
        }

        var bins = ParseInt(Bins, "bins", 5, 100, 30, errors);
        var top = ParseInt(Top, "top", 1, 50, 10, errors);
        filter = new InsightFilter(domain, brand, catalog, currency, from, to, bins, top);
        return errors.Count == 0;
    }

    private static readonly DateOnly EarliestDate = new(2000, 1, 1);

    private static readonly DateOnly LatestDate = new(2999, 12, 31);

    private static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateOnly? ParseDate(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (Normalize(text) is not { } value)
        {
            return null;
        }

        // Bounded, so that the default range (90 days back from to) and the SQL's date arithmetic cannot overflow.
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && date >= EarliestDate && date <= LatestDate)
        {
            return date;
        }

        errors[name] = [$"{name} is a date as yyyy-MM-dd from {EarliestDate:yyyy-MM-dd} to {LatestDate:yyyy-MM-dd}."];
        return null;
    }

    private static int ParseInt(string? text, string name, int min, int max, int fallback, Dictionary<string, string[]> errors)
    {
        if (Normalize(text) is not { } value)
        {
            return fallback;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        errors[name] = [$"{name} is an integer from {min} to {max}."];
        return fallback;
    }
}

/// <summary>A checked <see cref="InsightQuery"/>; null means "any". Dates are resolved against the mart by the store.</summary>
public sealed record InsightFilter(string? Domain, string? Brand, long? Catalog, string? Currency, DateOnly? From, DateOnly? To, int Bins, int Top);

internal static partial class Patterns
{
    [GeneratedRegex("^[a-z]{2,10}$")]
    public static partial Regex Domain();

    [GeneratedRegex("^[A-Z]{3}$")]
    public static partial Regex Currency();
}
