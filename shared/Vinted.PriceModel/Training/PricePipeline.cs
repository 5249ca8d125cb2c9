using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms.Text;
using Vinted.PriceModel.Features;

namespace Vinted.PriceModel.Training;

/// <summary>The ML.NET pipeline: categorical features one-hot (LightGBM splits them as categories), the title's words as a bag, then LightGBM on the log price.</summary>
internal static class PricePipeline
{
    public const string Trainer = "LightGbm";

    /// <summary>The feature columns, in the order the model concatenates them; importance is reported per column.</summary>
    public static readonly string[] Categorical =
        [nameof(ListingFeatures.Domain), nameof(ListingFeatures.Brand), nameof(ListingFeatures.Catalog), nameof(ListingFeatures.Size), nameof(ListingFeatures.Condition)];

    public static readonly string[] Numeric =
    [
        nameof(ListingFeatures.PhotoCount), nameof(ListingFeatures.DaysOnSale), nameof(ListingFeatures.FavouriteCount),
        nameof(ListingFeatures.PriceDrops), nameof(ListingFeatures.SellerBusiness), nameof(ListingFeatures.SellerListings),
    ];

    public static IEstimator<ITransformer> Build(MLContext ml, PriceModelOptions options, int threads) =>
        ml.Transforms.Categorical.OneHotEncoding([.. Categorical.Select(c => new InputOutputColumnPair(c, c))])
            .Append(ml.Transforms.Text.FeaturizeText(nameof(ListingFeatures.Title), new TextFeaturizingEstimator.Options
            {
                CaseMode = TextNormalizingEstimator.CaseMode.Lower,
                WordFeatureExtractor = new WordBagEstimator.Options { NgramLength = 1, UseAllLengths = false },
                CharFeatureExtractor = null,
                Norm = TextFeaturizingEstimator.NormFunction.None,
            }, nameof(ListingFeatures.Title)))
            .Append(ml.Transforms.Concatenate("Features", [.. Categorical, nameof(ListingFeatures.Title), .. Numeric]))
            .Append(ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                NumberOfIterations = options.Iterations,
                NumberOfLeaves = options.Leaves,
                LearningRate = options.LearningRate,
                MinimumExampleCountPerLeaf = options.MinLeafRows,
                NumberOfThreads = threads,
                Seed = 1,
                Silent = true,
            }));

    /// <summary>The parameters a run records.</summary>
    public static IReadOnlyDictionary<string, object> Parameters(PriceModelOptions options) => new Dictionary<string, object>
    {
        ["trainer"] = Trainer,
        ["label"] = "log(price)",
        ["iterations"] = options.Iterations,
        ["leaves"] = options.Leaves,
        ["learning_rate"] = options.LearningRate,
        ["min_leaf_rows"] = options.MinLeafRows,
        ["training_days"] = options.TrainingDays,
        ["features"] = (string[])[.. Categorical, nameof(ListingFeatures.Title), .. Numeric],
    };

    /// <summary>The gain of each feature column (a one-hot column's slots and the title's words summed), as shares of the whole.</summary>
    public static IReadOnlyDictionary<string, double> Importance(ITransformer model, IDataView sample)
    {
        if (model is not TransformerChain<RegressionPredictionTransformer<LightGbmRegressionModelParameters>> chain)
        {
            throw new ArgumentException($"Not a model of this pipeline: {model.GetType()}", nameof(model));
        }

        var weights = default(VBuffer<float>);
        chain.LastTransformer.Model.GetFeatureWeights(ref weights);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        model.Transform(sample).Schema["Features"].GetSlotNames(ref names);
        var slotNames = names.DenseValues().Select(n => n.ToString()).ToArray();
        var gains = new Dictionary<string, double>(StringComparer.Ordinal);
        var index = 0;
        foreach (var weight in weights.DenseValues())
        {
            var slot = index < slotNames.Length ? slotNames[index] : "";
            var dot = slot.IndexOf('.', StringComparison.Ordinal);
            var column = dot < 0 ? slot : slot[..dot];
            gains[column] = gains.GetValueOrDefault(column) + weight;
            index++;
        }

        var total = gains.Values.Sum();
        return gains.Where(g => g.Key.Length > 0).OrderByDescending(g => g.Value)
            .ToDictionary(g => g.Key, g => total > 0 ? Math.Round(g.Value / total, 4) : 0);
    }
}
