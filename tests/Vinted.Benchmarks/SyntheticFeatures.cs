using Vinted.PriceModel.Features;
using Vinted.Simulator.Market;

namespace Vinted.Benchmarks;

/// <summary>
/// Feature rows drawn straight from the simulator's price model (catalog base price × brand × condition × size × noise,
/// a 15 % drop for some), without running the pipeline: a million rows take seconds rather than a month of simulated
/// days. The rows spread evenly over <c>days</c> days; the last is the held-out day.
/// </summary>
internal static class SyntheticFeatures
{
    private static readonly string[] Domains = ["pt", "fr", "es", "it", "de"];

    public static (List<FeatureRow> Training, List<FeatureRow> Test) Draw(int rows, int days, int seed = 1)
    {
        var random = new Random(seed);
        var start = new DateOnly(2026, 10, 1);
        var training = new List<FeatureRow>(rows);
        var test = new List<FeatureRow>(rows / days + 1);
        for (var i = 0; i < rows; i++)
        {
            var day = i * days / rows;
            var row = Row(random, start.AddDays(day), i);
            (day == days - 1 ? test : training).Add(row);
        }

        return (training, test);
    }

    /// <summary>One listing drawn at random, as <c>mart.listing_features</c> would show it.</summary>
    public static FeatureRow Row(Random random, DateOnly day, long id)
    {
        var catalog = Vocabulary.Catalogs[random.Next(Vocabulary.Catalogs.Length)];
        var roll = random.NextDouble();
        var brand = roll < 0.08 ? -1 : (int)(Vocabulary.Brands.Length * Math.Pow((roll - 0.08) / 0.92, 2));
        var sizes = Vocabulary.Sizes[(int)catalog.Sizes];
        var size = sizes.Length == 0 ? -1 : random.Next(sizes.Length);
        var statusRoll = random.NextDouble();
        var status = Array.FindIndex(Vocabulary.StatusCumulative, c => statusRoll < c);
        var drops = random.NextDouble() < 0.2 ? 1 : 0;
        var price = Math.Max(0.5, Math.Round(catalog.BasePriceEuro * PriceFactors.Of(brand, status, size, sizes.Length, random.NextDouble()) * (drops == 1 ? 0.85 : 1) * 2) / 2);
        var brandTitle = brand < 0 ? "(none)" : Vocabulary.Brands[brand].Title;
        var domain = Domains[random.Next(Domains.Length)];
        return new FeatureRow(day, domain, id, (decimal)price, new ListingFeatures
        {
            Domain = domain,
            Brand = brandTitle,
            Catalog = catalog.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Size = size < 0 ? "(none)" : sizes[size].Title,
            Condition = $"status-{Vocabulary.StatusIds[status]}",
            Title = brand < 0 ? $"{catalog.Names[0]} {Vocabulary.Colors[0][random.Next(10)]}" : $"{catalog.Names[0]} {brandTitle} {Vocabulary.Colors[0][random.Next(10)]}",
            PhotoCount = 1 + random.Next(8),
            DaysOnSale = random.Next(60),
            FavouriteCount = random.Next(40),
            PriceDrops = drops,
            SellerBusiness = random.NextDouble() < 0.05 ? 1 : 0,
            SellerListings = 1 + random.Next(30),
            LogPrice = (float)Math.Log(price),
        });
    }
}
