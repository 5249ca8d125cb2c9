using System.Globalization;
using System.Text;
using Vinted.Api.Models;

namespace Vinted.Simulator.Market;

/// <summary>Sort orders the simulator serves.</summary>
internal enum SimOrder
{
    NewestFirst,
    Relevance,
    PriceLowToHigh,
    PriceHighToLow,
}

/// <summary>
/// A search as the simulator understands it, whichever endpoint or C# caller it came from. Filters become lookup
/// tables over the vocabulary, so matching a listing is a few array reads.
/// </summary>
internal sealed class SimQuery
{
    public long? SellerId { get; init; }

    public string? SearchText { get; init; }

    public long[] CatalogIds { get; init; } = [];

    public long[] ColorIds { get; init; } = [];

    public long[] BrandIds { get; init; } = [];

    public long[] SizeIds { get; init; } = [];

    public long[] MaterialIds { get; init; } = [];

    public long[] StatusIds { get; init; } = [];

    public long[] CountryIds { get; init; } = [];

    public long[] CityIds { get; init; } = [];

    public bool IsForSwap { get; init; }

    public decimal? PriceFrom { get; init; }

    public decimal? PriceTo { get; init; }

    public SimOrder Order { get; init; }

    /// <summary>The <c>time</c> parameter: pins the snapshot no later than this instant.</summary>
    public long? Time { get; init; }

    public static SimOrder ParseOrder(string? order) => order switch
    {
        "relevance" => SimOrder.Relevance,
        "price_low_to_high" => SimOrder.PriceLowToHigh,
        "price_high_to_low" => SimOrder.PriceHighToLow,
        _ => SimOrder.NewestFirst,
    };

    public static SimQuery From(VintedSearch search) => new()
    {
        SellerId = search.Kind == VintedSearchKind.Seller ? search.SellerId : null,
        SearchText = search.SearchText,
        CatalogIds = [.. search.CatalogIds],
        ColorIds = [.. search.ColorIds],
        BrandIds = [.. search.BrandIds],
        SizeIds = [.. search.SizeIds],
        MaterialIds = [.. search.MaterialIds],
        StatusIds = [.. search.StatusIds],
        CountryIds = [.. search.CountryIds],
        CityIds = [.. search.CityIds],
        IsForSwap = search.IsForSwap,
        PriceFrom = search.PriceFrom,
        PriceTo = search.PriceTo,
        Order = ParseOrder(search.Order),
        Time = search.Time,
    };

    /// <summary>Identity of the result set (not of the page): the cache key of a search.</summary>
    public string CacheKey()
    {
        var key = new StringBuilder();
        key.Append(CultureInfo.InvariantCulture, $"{SellerId}|{SearchText}|{IsForSwap}|{PriceFrom}|{PriceTo}|{Order}|{Time}");
        foreach (var ids in new[] { CatalogIds, ColorIds, BrandIds, SizeIds, MaterialIds, StatusIds, CountryIds, CityIds })
        {
            key.Append('|').AppendJoin(',', ids.Order());
        }

        return key.ToString();
    }
}

/// <summary>A <see cref="SimQuery"/> compiled against one domain's vocabulary.</summary>
internal sealed class CompiledQuery
{
    private readonly bool[]? _catalogs;
    private readonly bool[]? _brands;
    private readonly HashSet<long>? _sizes;
    private readonly bool[]? _statuses;
    private readonly bool[]? _colors;
    private readonly bool[]? _materials;
    private readonly bool[]? _cities;
    private readonly bool _countryMatches;
    private readonly int? _seller;
    private readonly bool _impossible;
    private readonly long _priceFromCents;
    private readonly long _priceToCents;

    // Per search word: which catalogs, brands and colours contain it in this domain's language.
    private readonly (bool[] Nouns, bool[] Brands, bool[] Colors)[] _words;

    public CompiledQuery(SimQuery query, ListingGenerator generator)
    {
        Query = query;
        Generator = generator;
        var domain = generator.Domain;
        _catalogs = Table(query.CatalogIds, Vocabulary.Catalogs.Select(c => c.Id).ToArray());
        _brands = Table(query.BrandIds, Vocabulary.Brands.Select(b => b.Id).ToArray());
        _sizes = query.SizeIds.Length == 0 ? null : [.. query.SizeIds];
        _statuses = Table(query.StatusIds, Vocabulary.StatusIds);
        _colors = Table(query.ColorIds, Vocabulary.ColorIds);
        _materials = Table(query.MaterialIds, Vocabulary.MaterialIds);
        _cities = Table(query.CityIds, [.. Enumerable.Range(0, 5).Select(domain.CityId)]);
        _countryMatches = query.CountryIds.Length == 0 || query.CountryIds.Contains(domain.CountryId);
        _priceFromCents = query.PriceFrom is { } from ? (long)(from * 100) : 0;
        _priceToCents = query.PriceTo is { } to ? (long)(to * 100) : long.MaxValue;
        if (query.SellerId is { } sellerId)
        {
            _seller = generator.SellerOf(sellerId);
            _impossible = _seller is null;
        }

        var language = domain.Language;
        _words = [.. (query.SearchText ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(word => (
            Vocabulary.Catalogs.Select(c => c.Names[language].Contains(word, StringComparison.OrdinalIgnoreCase)).ToArray(),
            Vocabulary.Brands.Select(b => b.Title.Contains(word, StringComparison.OrdinalIgnoreCase)).ToArray(),
            Vocabulary.Colors[language].Select(c => c.Contains(word, StringComparison.OrdinalIgnoreCase)).ToArray()))];
        QueryHash = Hash.Of(query.CacheKey());
    }

    public SimQuery Query { get; }

    public ListingGenerator Generator { get; }

    public ulong QueryHash { get; }

    public bool Matches(in Listing listing, long instant)
    {
        if (_impossible || !_countryMatches || !listing.IsVisibleAt(instant))
        {
            return false;
        }

        if (_seller is { } seller && listing.Seller != seller)
        {
            return false;
        }

        if (_catalogs is not null && !_catalogs[listing.Catalog]
            || _brands is not null && (listing.Brand < 0 || !_brands[listing.Brand])
            || _statuses is not null && !_statuses[listing.Status]
            || _colors is not null && !_colors[listing.Color]
            || _materials is not null && !_materials[listing.Material]
            || _cities is not null && !_cities[Generator.SellerCity(listing.Seller)]
            || Query.IsForSwap && !listing.IsForSwap)
        {
            return false;
        }

        if (_sizes is not null)
        {
            var sizes = Vocabulary.Sizes[(int)Vocabulary.Catalogs[listing.Catalog].Sizes];
            if (listing.Size < 0 || !_sizes.Contains(sizes[listing.Size].Id))
            {
                return false;
            }
        }

        if (_priceFromCents > 0 || _priceToCents < long.MaxValue)
        {
            var price = listing.PriceCentsAt(instant, Generator.Domain.RoundingCents);
            if (price < _priceFromCents || price > _priceToCents)
            {
                return false;
            }
        }

        foreach (var (nouns, brands, colors) in _words)
        {
            if (!nouns[listing.Catalog] && !(listing.Brand >= 0 && brands[listing.Brand]) && !colors[listing.Color])
            {
                return false;
            }
        }

        return true;
    }

    private static bool[]? Table(long[] wanted, long[] ids) =>
        wanted.Length == 0 ? null : [.. ids.Select(wanted.Contains)];
}
