using Microsoft.ML.Data;

namespace Vinted.PriceModel.Features;

/// <summary>
/// What the model sees of a listing on a day (a row of <c>mart.listing_features</c>, or an estimate request). Mutable
/// properties because ML.NET fills and reads rows by reflection. The currency is not a feature: each has its own model.
/// </summary>
public sealed class ListingFeatures
{
    public string Domain { get; set; } = "";

    public string Brand { get; set; } = "";

    public string Catalog { get; set; } = "";

    public string Size { get; set; } = "";

    /// <summary>One id across the sites' languages: <c>status-{id}</c> when Vinted's status id is known.</summary>
    public string Condition { get; set; } = "";

    public string Title { get; set; } = "";

    public float PhotoCount { get; set; }

    public float DaysOnSale { get; set; }

    public float FavouriteCount { get; set; }

    public float PriceDrops { get; set; }

    /// <summary>1 when the seller is a business, else 0.</summary>
    public float SellerBusiness { get; set; }

    /// <summary>How many listings the seller had on sale that day.</summary>
    public float SellerListings { get; set; }

    /// <summary>The training label: the natural log of the asking price (prices are skewed; errors are relative).</summary>
    [ColumnName("Label")]
    public float LogPrice { get; set; }
}

/// <summary>A row of the features view with its identity and target.</summary>
public sealed record FeatureRow(DateOnly Day, string Domain, long ItemId, decimal Price, ListingFeatures Features);

/// <summary>The model's output column.</summary>
public sealed class PricePrediction
{
    /// <summary>The predicted log price.</summary>
    public float Score { get; set; }
}
