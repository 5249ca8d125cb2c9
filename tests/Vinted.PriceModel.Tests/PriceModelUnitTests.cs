using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinted.SelfHost.Cli;
using Vinted.SelfHost.PriceModel;
using Vinted.PriceModel;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Serving;
using Vinted.PriceModel.Training;
using Vinted.Settings;

namespace Vinted.PriceModel.Tests;

/// <summary>The price model's pure parts: metrics, the baseline, a small training through the saved file, the request checks, the command line.</summary>
public sealed class PriceModelUnitTests
{
    [Theory]
    [InlineData("MinTrainingRows", "2000", "MaxTrainingRows", "1000")]
    [InlineData("MinTestRows", "500", "MaxTestRows", "100")]
    public void Settings_FloorAboveItsBound_FailureNamesTheFloor(string floor, string floorValue, string bound, string boundValue)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"PriceModel:{floor}"] = floorValue, [$"PriceModel:{bound}"] = boundValue })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddSettings<PriceModelOptions>(PriceModelOptions.Section);

        var error = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<IOptions<PriceModelOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains($"'PriceModel:{floor}'", StringComparison.Ordinal) && f.Contains(bound, StringComparison.Ordinal));
    }

    [Fact]
    public void Scores_KnownErrors_MaeMapeAndR2()
    {
        var scores = RegressionScores.Of([10, 20, 30], [12, 18, 30]);
        Assert.Equal(4.0 / 3, scores.Mae, 9);
        Assert.Equal((0.2 + 0.1 + 0) / 3, scores.Mape, 9);
        Assert.Equal(1 - 8.0 / 200, scores.R2, 9);
        Assert.True(scores.Beats(RegressionScores.Of([10, 20, 30], [20, 20, 20])));
        Assert.False(scores.Beats(scores));
    }

    [Fact]
    public void Baseline_MedianOfTheCell_ThenOfTheCatalog_ThenOverall()
    {
        var baseline = new MedianBaseline(
        [
            Row("Nike", "1206", "status-2", 10), Row("Nike", "1206", "status-2", 30), Row("Nike", "1206", "status-2", 14),
            Row("Zara", "1206", "status-3", 4), Row("Zara", "2993", "status-3", 100),
        ]);
        Assert.Equal(14, baseline.Estimate(Row("Nike", "1206", "status-2", 0).Features));
        Assert.Equal(12, baseline.Estimate(Row("Adidas", "1206", "status-6", 0).Features));
        Assert.Equal(14, baseline.Estimate(Row("Adidas", "9999", "status-6", 0).Features));
    }

    [Fact]
    public void Train_PricesFromFactors_BeatsTheBaselineAndBatchEqualsSingle()
    {
        // Price = catalog base × brand factor × condition factor × size; the baseline cannot see the size.
        var random = new Random(3);
        string[] brands = ["Nike", "Zara", "H&M", "Levi's"];
        string[] sizes = ["S", "M", "L", "XL"];
        var rows = Enumerable.Range(0, 3_000).Select(i =>
        {
            var brand = random.Next(brands.Length);
            var size = random.Next(sizes.Length);
            var status = random.Next(3);
            var catalog = random.Next(3);
            var price = (10 + 15 * catalog) * (0.8 + 0.3 * brand) * (1.4 - 0.3 * status) * (0.7 + 0.2 * size) * (0.95 + 0.1 * random.NextDouble());
            return new FeatureRow(new DateOnly(2026, 10, 1 + i / 500), "pt", i, (decimal)Math.Round(price, 2), new ListingFeatures
            {
                Domain = "pt", Brand = brands[brand], Catalog = $"{1000 + catalog}", Size = sizes[size], Condition = $"status-{status}",
                Title = $"item {brands[brand]}", PhotoCount = 1 + random.Next(5), LogPrice = (float)Math.Log(price),
            });
        }).ToList();
        var testDay = rows[^1].Day;
        var result = PriceTrainer.Train([.. rows.Where(r => r.Day < testDay)], [.. rows.Where(r => r.Day == testDay)], new PriceModelOptions { Iterations = 100 }, threads: 1);

        Assert.True(result.BeatsBaseline, $"model {result.Model} vs baseline {result.Baseline}");
        Assert.Contains("Size", result.Importance.Keys);
        using var model = LoadedPriceModel.Load(result.File);
        var test = rows.Where(r => r.Day == testDay).Take(20).Select(r => r.Features).ToList();
        Assert.Equal(model.Estimate(test), test.Select(model.Estimate));
    }

    [Theory]
    [InlineData(null, "pt", 1206L, "currency")]
    [InlineData("eur", "pt", 1206L, "currency")]
    [InlineData("EUR", "", 1206L, "domain")]
    [InlineData("EUR", "pt", 0L, "catalog")]
    public void EstimateItem_Missing_NamesTheField(string? currency, string domain, long catalog, string field)
    {
        var item = new EstimateItem(currency, domain, catalog, null, null, null, null, null, null, null, null, null, null);
        Assert.Contains(item.Check("items[2]."), f => f.Field == $"items[2].{field}");
    }

    [Fact]
    public void EstimateItem_Defaults_AsTheFeaturesViewShowsMissingValues()
    {
        var features = new EstimateItem("EUR", "pt", 1206, null, " ", null, null, null, 3, null, null, true, null).ToFeatures();
        Assert.Equal(("(none)", "1206", "(none)", "(unknown)", "", 3f, 1f), (features.Brand, features.Catalog, features.Size, features.Condition, features.Title, features.DaysOnSale, features.SellerBusiness));
    }

    [Fact]
    public void TrainCommand_Options_ParsedAndBadOnesNamed()
    {
        var (request, settings) = TrainCommand.Parse(["--test-day", "2026-10-06", "--no-promote", "--PriceModel:Iterations=50"]);
        Assert.Equal((new DateOnly(2026, 10, 6), false), (request.TestDay, request.Promote));
        Assert.Equal(["--PriceModel:Iterations=50"], settings);
        Assert.Contains("--test-day", Assert.Throws<ArgumentException>(() => TrainCommand.Parse(["--test-day", "06/10/2026"])).Message);
        Assert.Contains("--bogus", Assert.Throws<ArgumentException>(() => TrainCommand.Parse(["--bogus"])).Message);
    }

    private static FeatureRow Row(string brand, string catalog, string condition, decimal price) =>
        new(new DateOnly(2026, 10, 1), "pt", 1, price, new ListingFeatures { Brand = brand, Catalog = catalog, Condition = condition });
}
