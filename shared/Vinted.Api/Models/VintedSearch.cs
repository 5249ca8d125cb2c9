using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Vinted.Api.Models;

/// <summary>What a search lists: the catalog of a domain, or one seller's items.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VintedSearchKind>))]
public enum VintedSearchKind
{
    Catalog,
    Seller,
}

/// <summary>
/// One search on one Vinted domain, independent of the endpoint that serves it: the client maps it to the
/// current (<c>attribute_ids[...]</c>) or legacy (<c>catalog_ids</c>) names by the domain's configuration.
/// Every property validates when set, so an invalid search cannot be built, deserialized or copied with
/// <c>with</c>; <see cref="Validate"/> adds the checks that span properties. Equality and <see cref="Key"/>
/// follow the canonical query, so two searches that send the same filters are equal.
/// </summary>
public sealed record VintedSearch
{
    /// <summary>Largest <see cref="PerPage"/> the API serves; it clamps larger values silently.</summary>
    public const int MaxPerPage = 96;

    /// <summary>The sort orders the API knows.</summary>
    public static IReadOnlyList<string> Orders { get; } = ["newest_first", "relevance", "price_low_to_high", "price_high_to_low"];

    /// <summary>Country domain key as configured under <c>VintedApi:Domains</c> (e.g. <c>pt</c>, <c>fr</c>, <c>uk</c>).</summary>
    public required string Domain
    {
        get;
        init => field = value is { Length: > 0 } && value.All(c => c is (>= 'a' and <= 'z') or '.' or '-' or (>= '0' and <= '9'))
            ? value
            : throw new ArgumentException($"Domain '{value}' must be a lowercase domain key such as 'pt' or 'fr'.", nameof(Domain));
    }

    public VintedSearchKind Kind { get; init; } = VintedSearchKind.Catalog;

    /// <summary>The seller of a <see cref="VintedSearchKind.Seller"/> search.</summary>
    public long? SellerId { get => field; init => field = value is null or > 0 ? value : throw Invalid(nameof(SellerId), value, "a positive id"); }

    /// <summary>Free text; words are sent joined with '+'.</summary>
    public string? SearchText { get; init => field = string.IsNullOrWhiteSpace(value) ? null : string.Join(' ', Words(value)); }

    public IReadOnlyList<long> CatalogIds { get; init => field = Ids(value, nameof(CatalogIds)); } = [];

    public IReadOnlyList<long> ColorIds { get; init => field = Ids(value, nameof(ColorIds)); } = [];

    public IReadOnlyList<long> BrandIds { get; init => field = Ids(value, nameof(BrandIds)); } = [];

    public IReadOnlyList<long> SizeIds { get; init => field = Ids(value, nameof(SizeIds)); } = [];

    public IReadOnlyList<long> MaterialIds { get; init => field = Ids(value, nameof(MaterialIds)); } = [];

    /// <summary>Condition ids: 6 new with tags, 1 new without tags, 2 very good, 3 good, 4 satisfactory.</summary>
    public IReadOnlyList<long> StatusIds { get; init => field = Ids(value, nameof(StatusIds)); } = [];

    public IReadOnlyList<long> CountryIds { get; init => field = Ids(value, nameof(CountryIds)); } = [];

    public IReadOnlyList<long> CityIds { get; init => field = Ids(value, nameof(CityIds)); } = [];

    /// <summary>Only items offered for swap (sent as <c>is_for_swap=1</c>; false sends nothing).</summary>
    public bool IsForSwap { get; init; }

    /// <summary>ISO 4217 code, upper case.</summary>
    public string? Currency
    {
        get;
        init => field = value is null || value.Length == 3 && value.All(char.IsAsciiLetterUpper)
            ? value
            : throw Invalid(nameof(Currency), value, "a three-letter upper-case ISO 4217 code");
    }

    public decimal? PriceFrom { get; init => field = value is null or >= 0 ? value : throw Invalid(nameof(PriceFrom), value, "non-negative"); }

    public decimal? PriceTo { get; init => field = value is null or >= 0 ? value : throw Invalid(nameof(PriceTo), value, "non-negative"); }

    public int PerPage { get; init => field = value is >= 1 and <= MaxPerPage ? value : throw Invalid(nameof(PerPage), value, $"between 1 and {MaxPerPage}"); } = MaxPerPage;

    /// <summary>One of <see cref="Orders"/>, or null for the API's default.</summary>
    public string? Order
    {
        get;
        init => field = value is null || Orders.Contains(value)
            ? value
            : throw new ArgumentException($"Unknown order '{value}'; expected one of {string.Join(", ", Orders)}.", nameof(Order));
    }

    /// <summary>Unix time (seconds) that pins the result set across pages.</summary>
    public long? Time { get; init => field = value is null or > 0 ? value : throw Invalid(nameof(Time), value, "a positive Unix timestamp"); }

    /// <summary>
    /// A short slug, stable across releases and endpoint eras, usable in S3 keys: <c>seller-{id}</c> for a
    /// plain seller search, otherwise <c>{kind}-{8 hex of SHA-256 of the canonical query}</c> (with the seller
    /// id kept in front for seller searches). Unique within a domain; the domain is not part of it.
    /// </summary>
    [JsonIgnore]
    public string Key
    {
        get
        {
            var canonical = VintedQuery.Canonical(this);
            if (Kind == VintedSearchKind.Seller)
            {
                var plain = Order is null && Time is null && PerPage == MaxPerPage;
                return plain ? $"seller-{SellerId}" : $"seller-{SellerId}-{Hash8(canonical)}";
            }

            return $"catalog-{Hash8(canonical)}";
        }
    }

    /// <summary>A catalog search on <paramref name="domain"/>.</summary>
    public static VintedSearch Catalog(string domain) => new() { Domain = domain };

    /// <summary>The items of one seller on <paramref name="domain"/>.</summary>
    public static VintedSearch Seller(string domain, long sellerId) =>
        new() { Domain = domain, Kind = VintedSearchKind.Seller, SellerId = sellerId };

    /// <summary>The problems that span properties; empty when the search can be sent.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (PriceFrom is { } from && PriceTo is { } to && from > to)
        {
            problems.Add($"PriceFrom ({from}) must not exceed PriceTo ({to}).");
        }

        if (Kind == VintedSearchKind.Seller)
        {
            if (SellerId is null)
            {
                problems.Add("A seller search needs SellerId.");
            }

            if (SearchText is not null || IsForSwap || Currency is not null || PriceFrom is not null || PriceTo is not null
                || new[] { CatalogIds, ColorIds, BrandIds, SizeIds, MaterialIds, StatusIds, CountryIds, CityIds }.Any(ids => ids.Count > 0))
            {
                problems.Add("A seller search takes only PerPage, Order and Time; the seller endpoints ignore catalog filters.");
            }
        }
        else if (SellerId is not null)
        {
            problems.Add("A catalog search takes no SellerId.");
        }

        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem <see cref="Validate"/> finds.</summary>
    public VintedSearch EnsureValid()
    {
        var problems = Validate();
        return problems.Count == 0 ? this : throw new ArgumentException($"Invalid Vinted search: {string.Join(" ", problems)}");
    }

    public bool Equals(VintedSearch? other) =>
        other is not null && Domain == other.Domain && VintedQuery.Canonical(this) == VintedQuery.Canonical(other);

    public override int GetHashCode() => HashCode.Combine(Domain, VintedQuery.Canonical(this));

    internal static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static long[] Ids(IReadOnlyList<long>? ids, string name)
    {
        if (ids is null)
        {
            return [];
        }

        foreach (var id in ids)
        {
            if (id <= 0)
            {
                throw Invalid(name, id, "positive ids");
            }
        }

        return [.. ids];
    }

    private static ArgumentException Invalid(string name, object? value, string expected) =>
        new($"{name} = {Convert.ToString(value, CultureInfo.InvariantCulture)} is invalid: expected {expected}.", name);

    private static string Hash8(string canonical) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..8];
}
