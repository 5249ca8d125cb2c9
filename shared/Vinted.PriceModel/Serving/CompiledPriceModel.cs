using System.Collections.Concurrent;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Training;

namespace Vinted.PriceModel.Serving;

/// <summary>
/// A price model's tree ensemble taken out of ML.NET once per load and evaluated in plain C# (issue 21: ML.NET's
/// prediction engine scored ~44,000 listings a second on two cores, a million-listing day in 23 s).
/// <para>
/// The featurized vector is the model's own: what each categorical value and each word of a title contributes is asked
/// of the model's featurizing transforms once per distinct value (then remembered), so term dictionaries, lower-casing,
/// diacritics and tokenizing stay ML.NET's. That is exact because the title's bag of words is a sum over its
/// space-separated parts: the normalizer maps characters one by one and the tokenizer splits on spaces, so a title's
/// counts are the sum of the counts of its words taken alone. The trees are then walked as ML.NET walks them
/// (<c>value &lt;= threshold</c> goes left; a categorical split goes right when any of its slots is positive).
/// </para>
/// </summary>
internal sealed class CompiledPriceModel
{
    // Remembered contributions per column; past this many distinct values a column's memory starts again (a bound, not a cache policy).
    private const int MaxRemembered = 500_000;

    private static readonly char[] Space = [' '];

    private readonly Func<ListingFeatures, VBuffer<float>> _featurize;
    private readonly Lock _probeGate = new();
    private readonly (int Start, int Length)[] _categoricalRanges;
    private readonly (int Start, int Length) _titleRange;
    private readonly int _numericStart;
    private readonly ConcurrentDictionary<string, int>[] _categorical;
    private readonly ConcurrentDictionary<string, (int Slot, float Count)[]> _words = new(StringComparer.Ordinal);
    private readonly Tree[] _trees;
    private readonly double[] _weights;
    private readonly double _bias;
    private readonly int _width;

    private CompiledPriceModel(
        Func<ListingFeatures, VBuffer<float>> featurize, (int, int)[] categoricalRanges, (int, int) titleRange, int numericStart, Tree[] trees, double[] weights, double bias, int width)
    {
        _featurize = featurize;
        _categoricalRanges = categoricalRanges;
        _titleRange = titleRange;
        _numericStart = numericStart;
        _categorical = [.. categoricalRanges.Select(_ => new ConcurrentDictionary<string, int>(StringComparer.Ordinal))];
        _trees = trees;
        _weights = weights;
        _bias = bias;
        _width = width;
    }

    /// <summary>The compiled form of <paramref name="predictor"/>, or null when its Features vector is not the one <see cref="PricePipeline"/> builds.</summary>
    /// <param name="featurize">The model's featurizing transforms as a function (one caller at a time is enough: it is asked once per new value).</param>
    public static CompiledPriceModel? TryCompile(LightGbmRegressionModelParameters predictor, Func<ListingFeatures, VBuffer<float>> featurize, DataViewSchema featurizedSchema)
    {
        // The Features vector is the concatenation, in this order, of the columns PricePipeline names.
        var offset = 0;
        var ranges = new List<(int, int)>();
        foreach (var column in PricePipeline.Categorical.Append(nameof(ListingFeatures.Title)))
        {
            var size = Width(featurizedSchema[column].Type);
            ranges.Add((offset, size));
            offset += size;
        }

        var numericStart = offset;
        offset += PricePipeline.Numeric.Length;
        if (Width(featurizedSchema["Features"].Type) != offset)
        {
            return null;
        }

        var ensemble = predictor.TrainedTreeEnsemble;
        var trees = ensemble.Trees.Select(Tree.Of).ToArray();
        return new CompiledPriceModel(
            featurize, [.. ranges.Take(PricePipeline.Categorical.Length)], ranges[^1], numericStart, trees, [.. ensemble.TreeWeights], ensemble.Bias, offset);
    }

    /// <summary>A scratch vector for <see cref="Score"/>, one per thread at a time.</summary>
    public Scratch NewScratch() => new(_width);

    /// <summary>The model's score (the log price) for <paramref name="item"/>, as ML.NET's prediction engine gives it.</summary>
    public float Score(ListingFeatures item, Scratch scratch)
    {
        var categorical = Categorical(item);
        for (var c = 0; c < categorical.Length; c++)
        {
            var slot = Slot(c, categorical[c]);
            if (slot >= 0)
            {
                scratch.Add(slot, 1);
            }
        }

        foreach (var word in item.Title.Split(Space, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var (slot, value) in Words(word))
            {
                scratch.Add(slot, value);
            }
        }

        ReadOnlySpan<float> numerics = [item.PhotoCount, item.DaysOnSale, item.FavouriteCount, item.PriceDrops, item.SellerBusiness, item.SellerListings];
        for (var n = 0; n < numerics.Length; n++)
        {
            scratch.Add(_numericStart + n, numerics[n]);
        }

        // The same sum in the same order as ML.NET's ensemble (double, tree by tree), then to float as its score column.
        var output = 0.0;
        for (var t = 0; t < _trees.Length; t++)
        {
            output += _weights[t] * _trees[t].Leaf(scratch.Vector);
        }

        scratch.Clear();
        return (float)(output + _bias);
    }

    private static int Width(DataViewType type) => type is VectorDataViewType vector ? vector.Size : 1;

    private static string[] Categorical(ListingFeatures item) => [item.Domain, item.Brand, item.Catalog, item.Size, item.Condition];

    /// <summary>The Features slot the model's one-hot encoding sets for <paramref name="value"/> of categorical column <paramref name="column"/>; -1 for an unknown value.</summary>
    private int Slot(int column, string value)
    {
        var known = _categorical[column];
        if (known.TryGetValue(value, out var slot))
        {
            return slot;
        }

        var probe = new ListingFeatures();
        SetCategorical(probe, column, value);
        var set = Probe(probe, _categoricalRanges[column]);
        slot = set.Length == 1 && set[0].Value == 1 ? set[0].Slot : set.Length == 0 ? -1
            : throw new InvalidOperationException($"the model's encoding of {PricePipeline.Categorical[column]} '{value}' is not one slot");
        Remember(known, value, slot);
        return slot;
    }

    /// <summary>The Features slots and counts the model's text featurizing gives a title made of <paramref name="word"/> alone.</summary>
    private (int Slot, float Count)[] Words(string word)
    {
        if (_words.TryGetValue(word, out var slots))
        {
            return slots;
        }

        slots = Probe(new ListingFeatures { Title = word }, _titleRange);
        Remember(_words, word, slots);
        return slots;
    }

    private static void Remember<T>(ConcurrentDictionary<string, T> known, string key, T value)
    {
        if (known.Count >= MaxRemembered)
        {
            known.Clear();
        }

        known.TryAdd(key, value);
    }

    /// <summary>The non-zero slots of the model's Features vector for <paramref name="probe"/> that lie in <paramref name="range"/>.</summary>
    private (int Slot, float Value)[] Probe(ListingFeatures probe, (int Start, int Length) range)
    {
        VBuffer<float> features;
        lock (_probeGate)
        {
            features = _featurize(probe);
        }

        var found = new List<(int, float)>();
        foreach (var (slot, value) in features.Items())
        {
            // Only the probed column's range: the other columns' empty values may be terms of their own.
            if (slot >= range.Start && slot < range.Start + range.Length && value != 0)
            {
                found.Add((slot, value));
            }
        }

        return [.. found];
    }

    private static void SetCategorical(ListingFeatures item, int column, string value)
    {
        switch (column)
        {
            case 0: item.Domain = value; break;
            case 1: item.Brand = value; break;
            case 2: item.Catalog = value; break;
            case 3: item.Size = value; break;
            default: item.Condition = value; break;
        }
    }

    /// <summary>The dense Features vector of one item, zero again after each use (only the slots set are cleared).</summary>
    public sealed class Scratch(int width)
    {
        private readonly List<int> _touched = new(64);

        public float[] Vector { get; } = new float[width];

        public void Add(int slot, float value)
        {
            if (value == 0)
            {
                return;
            }

            if (Vector[slot] == 0)
            {
                _touched.Add(slot);
            }

            Vector[slot] += value;
        }

        public void Clear()
        {
            foreach (var slot in _touched)
            {
                Vector[slot] = 0;
            }

            _touched.Clear();
        }
    }

    /// <summary>One regression tree in flat arrays: node n goes to <c>Lte[n]</c> or <c>Gt[n]</c>; a negative child is <c>~leaf</c>.</summary>
    private sealed class Tree
    {
        private readonly int[] _lte;
        private readonly int[] _gt;
        private readonly int[] _feature;
        private readonly float[] _threshold;
        private readonly int[]?[] _categories;
        private readonly double[] _leaves;

        private Tree(int[] lte, int[] gt, int[] feature, float[] threshold, int[]?[] categories, double[] leaves)
        {
            _lte = lte;
            _gt = gt;
            _feature = feature;
            _threshold = threshold;
            _categories = categories;
            _leaves = leaves;
        }

        public static Tree Of(RegressionTree tree) => new(
            [.. tree.LeftChild],
            [.. tree.RightChild],
            [.. tree.NumericalSplitFeatureIndexes],
            [.. tree.NumericalSplitThresholds],
            [.. Enumerable.Range(0, tree.NumberOfNodes).Select(n => tree.CategoricalSplitFlags[n] ? tree.GetCategoricalSplitFeaturesAt(n).ToArray() : null)],
            [.. tree.LeafValues]);

        public double Leaf(float[] features)
        {
            if (_leaves.Length == 1)
            {
                return _leaves[0];
            }

            var node = 0;
            while (node >= 0)
            {
                if (_categories[node] is { } categories)
                {
                    var right = false;
                    foreach (var slot in categories)
                    {
                        if (features[slot] > 0)
                        {
                            right = true;
                            break;
                        }
                    }

                    node = right ? _gt[node] : _lte[node];
                }
                else
                {
                    node = features[_feature[node]] <= _threshold[node] ? _lte[node] : _gt[node];
                }
            }

            return _leaves[~node];
        }
    }
}
