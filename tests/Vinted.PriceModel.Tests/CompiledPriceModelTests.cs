using Vinted.PriceModel;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Serving;
using Vinted.PriceModel.Training;

namespace Vinted.PriceModel.Tests;

/// <summary>
/// Issue 21: a production model's trees are evaluated in plain C# over the model's own featurized vector. Its scores
/// must be ML.NET's prediction engine's, to 1e-4 relative, on titles that exercise the text featurizing (case,
/// diacritics, punctuation, repeated and unknown words, runs of spaces) and on values the model never saw.
/// </summary>
public sealed class CompiledPriceModelTests
{
    private static readonly string[] Brands = ["Nike", "Zara", "H&M", "Levi's", ""];
    private static readonly string[] Words = ["Vintage", "vintage", "CUIR", "cuir", "Été", "ete", "café", "Robe-longue", "jean's", "100%", "neuf!", "XL", "ÉTÉ", "naïve", "Ç", "a"];

    private static List<FeatureRow> Rows(int count, int seed, int firstDay)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var brand = random.Next(Brands.Length);
            var catalog = random.Next(4);
            var status = random.Next(3);
            var words = Enumerable.Range(0, random.Next(6)).Select(_ => Words[random.Next(Words.Length)]).ToList();
            var separator = random.Next(4) == 0 ? "  " : " ";
            var title = string.Join(separator, words);
            var price = (10 + 15 * catalog) * (0.8 + 0.3 * brand) * (1.4 - 0.3 * status)
                * (words.Any(w => w.Equals("vintage", StringComparison.OrdinalIgnoreCase)) ? 1.6 : 1)
                * (words.Any(w => w.StartsWith("cuir", StringComparison.OrdinalIgnoreCase)) ? 2.0 : 1)
                * (1 + 0.05 * random.Next(10)) * (0.95 + 0.1 * random.NextDouble());
            return new FeatureRow(new DateOnly(2026, 10, firstDay + i % 5), random.Next(2) == 0 ? "pt" : "fr", i, (decimal)Math.Round(price, 2), new ListingFeatures
            {
                Domain = random.Next(2) == 0 ? "pt" : "fr", Brand = Brands[brand], Catalog = $"{1000 + catalog}", Size = $"size-{random.Next(5)}",
                Condition = $"status-{status}", Title = random.Next(20) == 0 ? $" {title} " : title,
                PhotoCount = random.Next(8), DaysOnSale = random.Next(60), FavouriteCount = random.Next(40), PriceDrops = random.Next(3),
                SellerBusiness = random.Next(2), SellerListings = random.Next(200), LogPrice = (float)Math.Log(price),
            });
        })];
    }

    [Fact]
    public void Scores_CompiledTrees_EqualTheEngineToOneInTenThousand()
    {
        var rows = Rows(4_000, seed: 5, firstDay: 1);
        var trained = PriceTrainer.Train([.. rows.Where(r => r.Day.Day < 5)], [.. rows.Where(r => r.Day.Day == 5)], new PriceModelOptions { Iterations = 120 }, threads: 1);
        using var model = LoadedPriceModel.Load(trained.File);
        // Unseen brands, catalogs, words and numbers as well as the known ones.
        var items = Rows(3_000, seed: 11, firstDay: 6).Select(r => r.Features).ToList();
        items.Add(new ListingFeatures { Brand = "Unknown brand", Catalog = "9999", Title = "jamais vu ÉTÉ", PhotoCount = 100 });
        items.Add(new ListingFeatures());

        var compiled = model.Scores(items);
        var engine = model.EngineScores(items);

        Assert.True(model.IsCompiled);
        var worst = compiled.Zip(engine, (c, e) => Math.Abs(c - e) / Math.Max(Math.Abs(e), 1e-6)).Max();
        Assert.True(worst <= 1e-4, $"worst relative difference {worst}");
        // The model uses the title: otherwise the text path above would be untested.
        Assert.Contains("Title", trained.Importance.Where(i => i.Value > 0).Select(i => i.Key));
    }
}
