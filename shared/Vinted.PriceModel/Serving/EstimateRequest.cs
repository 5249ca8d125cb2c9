using System.Text.Json;
using System.Text.Json.Serialization;
using Vinted.PriceModel.Features;

namespace Vinted.PriceModel.Serving;

/// <summary>
/// One item to estimate: what the features view holds of a listing. <c>currency</c>, <c>domain</c> and <c>catalog</c>
/// are required; a missing text is the view's "none", a missing count 0. <c>condition</c> is <c>status-{id}</c> with
/// Vinted's status id (6 new with tags, 1 new without tags, 2 very good, 3 good, 4 satisfactory).
/// </summary>
public sealed record EstimateItem(
    string? Currency,
    string? Domain,
    long? Catalog,
    string? Brand,
    string? Size,
    string? Condition,
    string? Title,
    int? PhotoCount,
    int? DaysOnSale,
    int? FavouriteCount,
    int? PriceDrops,
    bool? SellerBusiness,
    int? SellerListings)
{
    /// <summary>The checks of an item; each failure names its field under <paramref name="path"/>.</summary>
    public IEnumerable<(string Field, string Message)> Check(string path)
    {
        if (string.IsNullOrWhiteSpace(Currency) || Currency.Length != 3 || !Currency.All(char.IsAsciiLetterUpper))
        {
            yield return ($"{path}currency", "required: an ISO currency code such as EUR.");
        }

        if (string.IsNullOrWhiteSpace(Domain))
        {
            yield return ($"{path}domain", "required: the Vinted site, such as pt.");
        }

        if (Catalog is null or <= 0)
        {
            yield return ($"{path}catalog", "required: a positive catalog id.");
        }

        foreach (var (field, value) in new[]
                 {
                     ("photoCount", PhotoCount), ("daysOnSale", DaysOnSale), ("favouriteCount", FavouriteCount), ("priceDrops", PriceDrops), ("sellerListings", SellerListings),
                 })
        {
            if (value < 0)
            {
                yield return ($"{path}{field}", "must not be negative.");
            }
        }
    }

    /// <summary>The item as the model reads it, with the features view's defaults for what is missing.</summary>
    public ListingFeatures ToFeatures() => new()
    {
        Domain = Domain!,
        Brand = string.IsNullOrWhiteSpace(Brand) ? "(none)" : Brand,
        Catalog = Catalog!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Size = string.IsNullOrWhiteSpace(Size) ? "(none)" : Size,
        Condition = string.IsNullOrWhiteSpace(Condition) ? "(unknown)" : Condition,
        Title = Title ?? "",
        PhotoCount = PhotoCount ?? 0,
        DaysOnSale = DaysOnSale ?? 0,
        FavouriteCount = FavouriteCount ?? 0,
        PriceDrops = PriceDrops ?? 0,
        SellerBusiness = SellerBusiness == true ? 1 : 0,
        SellerListings = SellerListings ?? 0,
    };

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>An estimate as the API answers it.</summary>
public sealed record EstimateAnswer(decimal Estimate, string Currency, string Model, int ModelVersion);

/// <summary>A batch's estimates, in the order of its items.</summary>
public sealed record EstimateBatchAnswer(IReadOnlyList<EstimateAnswer> Items);
