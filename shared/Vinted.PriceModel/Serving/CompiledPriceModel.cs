using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
    private readonly Forest _trees;
    private readonly double[] _weights;
    private readonly double _bias;

    private CompiledPriceModel(
        Func<ListingFeatures, VBuffer<float>> featurize, (int, int)[] categoricalRanges, (int, int) titleRange, int numericStart, Forest trees, double[] weights, double bias)
    {
        _featurize = featurize;
        _categoricalRanges = categoricalRanges;
        _titleRange = titleRange;
        _numericStart = numericStart;
        _categorical = [.. categoricalRanges.Select(_ => new ConcurrentDictionary<string, int>(StringComparer.Ordinal))];
        _trees = trees;
        _weights = weights;
        _bias = bias;
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
        (int, int)[] categoricalRanges = [.. ranges.Take(PricePipeline.Categorical.Length)];
        var trees = Forest.Of(ensemble.Trees, offset, categoricalRanges);
        return new CompiledPriceModel(featurize, categoricalRanges, ranges[^1], numericStart, trees, [.. ensemble.TreeWeights], ensemble.Bias);
    }

    /// <summary>A scratch for <see cref="Score"/>, one per thread at a time.</summary>
    public Scratch NewScratch() => new(_trees.Dense, _trees.Width, _trees.Words, _categoricalRanges.Length);

    /// <summary>The model's scores (log prices) of <paramref name="items"/>, as ML.NET's prediction engine gives them.</summary>
    public void Score(IReadOnlyList<ListingFeatures> items, Span<float> scores, Scratch scratch)
    {
        // Four listings walk each tree together, so that one listing's chain of dependent loads (node, its slot of the
        // features, the next node) can overlap the others'; measured alone it was no faster (136-138k against 145k
        // rows/s, within this machine's noise). Rows past the end of the batch are walked with empty features and their
        // scores dropped.
        var rows = scratch.Rows;
        for (var start = 0; start < items.Count; start += rows.Length)
        {
            var count = Math.Min(rows.Length, items.Count - start);
            for (var r = 0; r < count; r++)
            {
                Featurize(items[start + r], rows[r]);
                _trees.AnswerSplits(rows[r]);
            }

            // The same sum in the same order as ML.NET's ensemble (double, tree by tree), then to float as its score column.
            double o0 = 0, o1 = 0, o2 = 0, o3 = 0;
            for (var t = 0; t < _trees.Count; t++)
            {
                var (l0, l1, l2, l3) = _trees.Leaves(t, rows[0], rows[1], rows[2], rows[3]);
                var weight = _weights[t];
                o0 += weight * l0;
                o1 += weight * l1;
                o2 += weight * l2;
                o3 += weight * l3;
            }

            ReadOnlySpan<double> outputs = [o0, o1, o2, o3];
            for (var r = 0; r < count; r++)
            {
                scores[start + r] = (float)(outputs[r] + _bias);
                rows[r].Clear();
            }
        }
    }

    /// <summary>Sets <paramref name="row"/> to the item's Features vector (as the trees read it).</summary>
    private void Featurize(ListingFeatures item, Scratch.Row row)
    {
        var categorical = Categorical(item);
        for (var c = 0; c < categorical.Length; c++)
        {
            var slot = Slot(c, categorical[c]);
            if (slot >= 0)
            {
                row.Add(slot, 1);
                row.SetOneHot(c, slot);
            }
        }

        foreach (var word in item.Title.Split(Space, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var (slot, value) in Words(word))
            {
                row.Add(slot, value);
            }
        }

        ReadOnlySpan<float> numerics = [item.PhotoCount, item.DaysOnSale, item.FavouriteCount, item.PriceDrops, item.SellerBusiness, item.SellerListings];
        for (var n = 0; n < numerics.Length; n++)
        {
            row.Add(_numericStart + n, numerics[n]);
        }
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

    /// <summary>The Features vectors of the listings walked together, as the trees see them (see <see cref="Forest"/>).</summary>
    public sealed class Scratch(int[] dense, int width, int words, int categoricalColumns)
    {
        /// <summary>One vector per listing of a group of four, zero again after each use (only the slots set are cleared).</summary>
        public Row[] Rows { get; } = [.. Enumerable.Range(0, 4).Select(_ => new Row(dense, width, words, categoricalColumns))];

        public sealed class Row
        {
            private readonly List<int> _touched = new(64);
            private readonly int[] _dense;

            public Row(int[] dense, int width, int words, int categoricalColumns)
            {
                _dense = dense;
                Vector = new float[width];
                Splits = new ulong[words];
                OneHot = new int[categoricalColumns];
                Array.Fill(OneHot, -1);
            }

            public float[] Vector { get; }

            /// <summary>One bit per categorical split of the forest: set when the split sends this listing right.</summary>
            public ulong[] Splits { get; }

            /// <summary>Per categorical column, the trees' slot its value set (a one-hot column sets at most one); -1 for none.</summary>
            public int[] OneHot { get; }

            /// <summary>The slots set since the last <see cref="Clear"/>: the few a categorical split has to look at.</summary>
            public List<int> Touched => _touched;

            public void SetOneHot(int column, int slot) => OneHot[column] = _dense[slot];

            public void Add(int slot, float value)
            {
                var at = _dense[slot];
                if (at < 0 || value == 0)
                {
                    return;
                }

                if (Vector[at] == 0)
                {
                    _touched.Add(at);
                }

                Vector[at] += value;
            }

            public void Clear()
            {
                foreach (var slot in _touched)
                {
                    Vector[slot] = 0;
                }

                _touched.Clear();
                Array.Fill(OneHot, -1);
                Array.Clear(Splits);
            }
        }
    }

    /// <summary>
    /// The ensemble's trees in one array of nodes, tree after tree, reading a features vector of only the slots some split
    /// reads (134 of the model's slots in the benchmark's model). A day's million listings walk 300 trees each, and the
    /// walk was all of the scoring's time (dotnet-trace; 2.9 M rows/s without it): 126k rows/s on two cores with a tree of
    /// six arrays over the whole vector, 145k in one node array over the dense one, 165-180k once a one-hot split became
    /// one bit look-up, 368-370k with the branch-free step below (<c>./vinted bench model</c>; the same step without
    /// bounds checks measured 364-389k, not worth unsafe code).
    /// <para>
    /// A step has no branch to mispredict: the categorical splits are answered for the listing before the walk (one bit
    /// each: a one-hot value ORs in the bits of the splits that contain it, known at load), and every node then reads
    /// both its numeric slot and its split bit, one of them a constant: a numeric node's bit is one that is never set, a
    /// categorical node's slot one that is always zero. The answer indexes the node's two children. A leaf is a node
    /// of its own that steps to itself, so the four listings walked together step in lockstep until all four are at a
    /// leaf.
    /// </para>
    /// </summary>
    private sealed class Forest
    {
        private readonly Node[] _nodes;
        private readonly int[] _children;
        private readonly int[] _roots;
        private readonly double[] _leaves;
        private readonly int _firstLeaf;
        private readonly (int Word, ulong Mask)[][] _slotSplits;
        private readonly CategoricalSplit[] _otherSplits;

        private Forest(
            Node[] nodes, int[] children, int[] roots, double[] leaves, (int, ulong)[][] slotSplits, CategoricalSplit[] otherSplits, int[] dense, int width, int words)
        {
            _nodes = nodes;
            _children = children;
            _roots = roots;
            _leaves = leaves;
            _firstLeaf = nodes.Length - leaves.Length;
            _slotSplits = slotSplits;
            _otherSplits = otherSplits;
            Dense = dense;
            Width = width;
            Words = words;
        }

        public int Count => _roots.Length;

        /// <summary>Per slot of the model's Features vector, its place in the trees' vector; -1 when no split reads it.</summary>
        public int[] Dense { get; }

        /// <summary>The trees' vector's length: the slots some split reads, and one that is always zero.</summary>
        public int Width { get; }

        /// <summary>The length of a listing's split bits: one per categorical split, and a word that is always zero.</summary>
        public int Words { get; }

        public static Forest Of(IReadOnlyList<RegressionTree> trees, int features, (int Start, int Length)[] categoricalRanges)
        {
            var dense = new int[features];
            Array.Fill(dense, -1);
            var width = 0;
            int DenseSlot(int slot) => dense[slot] >= 0 ? dense[slot] : dense[slot] = width++;

            // First pass: the internal nodes (a categorical one numbered among the categorical splits) and the leaves.
            var raw = new List<(int Slot, float Threshold, int Split, int Lte, int Gt)>();
            var splits = new List<(int[] Slots, int Column)>();
            var leaves = new List<double>();
            var rawRoots = new int[trees.Count];
            for (var t = 0; t < trees.Count; t++)
            {
                var tree = trees[t];
                int nodeOffset = raw.Count, leafOffset = leaves.Count;
                int Child(int child) => child >= 0 ? child + nodeOffset : ~(~child + leafOffset);
                rawRoots[t] = tree.NumberOfNodes == 0 ? ~leafOffset : nodeOffset;
                for (var n = 0; n < tree.NumberOfNodes; n++)
                {
                    if (tree.CategoricalSplitFlags[n])
                    {
                        var slots = tree.GetCategoricalSplitFeaturesAt(n);
                        var column = Array.FindIndex(categoricalRanges, r => slots.All(s => s >= r.Start && s < r.Start + r.Length));
                        splits.Add(([.. slots.Select(DenseSlot)], column));
                        raw.Add((-1, 0, splits.Count - 1, Child(tree.LeftChild[n]), Child(tree.RightChild[n])));
                    }
                    else
                    {
                        raw.Add((DenseSlot(tree.NumericalSplitFeatureIndexes[n]), tree.NumericalSplitThresholds[n], -1, Child(tree.LeftChild[n]), Child(tree.RightChild[n])));
                    }
                }

                leaves.AddRange(tree.LeafValues);
            }

            // Second pass: leaves become nodes after the internal ones; the constant slot and bit take the last places.
            int zeroSlot = width, words = (splits.Count + 63) / 64, zeroBit = words * 64, firstLeaf = raw.Count;
            int NodeOf(int child) => child >= 0 ? child : firstLeaf + ~child;
            var nodes = new Node[raw.Count + leaves.Count];
            var children = new int[2 * nodes.Length];
            for (var n = 0; n < raw.Count; n++)
            {
                var (slot, threshold, split, lte, gt) = raw[n];
                nodes[n] = slot >= 0 ? new Node(slot, threshold, zeroBit) : new Node(zeroSlot, 0, split);
                (children[2 * n], children[2 * n + 1]) = (NodeOf(lte), NodeOf(gt));
            }

            for (var n = firstLeaf; n < nodes.Length; n++)
            {
                nodes[n] = new Node(zeroSlot, 0, zeroBit);
                (children[2 * n], children[2 * n + 1]) = (n, n);
            }

            var slotSplits = new List<(int Word, ulong Mask)>[width];
            var otherSplits = new List<CategoricalSplit>();
            for (var k = 0; k < splits.Count; k++)
            {
                var (slots, column) = splits[k];
                if (column < 0)
                {
                    otherSplits.Add(new CategoricalSplit(slots, width, k));
                    continue;
                }

                foreach (var slot in slots)
                {
                    (slotSplits[slot] ??= []).Add((k >> 6, 1UL << k));
                }
            }

            return new Forest(
                nodes, children, [.. rawRoots.Select(NodeOf)], [.. leaves],
                [.. slotSplits.Select(s => s is null ? [] : s.GroupBy(b => b.Word, (word, bits) => (word, bits.Aggregate(0UL, (all, b) => all | b.Mask))).ToArray())],
                [.. otherSplits], dense, width + 1, words + 1);
        }

        /// <summary>Answers every categorical split for <paramref name="row"/>, once its vector and one-hot slots are set.</summary>
        public void AnswerSplits(Scratch.Row row)
        {
            var bits = row.Splits;
            foreach (var slot in row.OneHot)
            {
                if (slot >= 0)
                {
                    foreach (var (word, mask) in _slotSplits[slot])
                    {
                        bits[word] |= mask;
                    }
                }
            }

            foreach (var split in _otherSplits)
            {
                if (split.AnyPositive(row))
                {
                    bits[split.Index >> 6] |= 1UL << split.Index;
                }
            }
        }

        /// <summary>Tree <paramref name="tree"/>'s leaf values for four listings, walked together.</summary>
        public (double, double, double, double) Leaves(int tree, Scratch.Row a, Scratch.Row b, Scratch.Row c, Scratch.Row d)
        {
            var root = _roots[tree];
            int na = root, nb = root, nc = root, nd = root;
            var first = _firstLeaf;

            // Until all four reached a leaf (a node number below the first leaf's makes its difference negative).
            while (((na - first) | (nb - first) | (nc - first) | (nd - first)) < 0)
            {
                na = Step(na, a.Vector, a.Splits);
                nb = Step(nb, b.Vector, b.Splits);
                nc = Step(nc, c.Vector, c.Splits);
                nd = Step(nd, d.Vector, d.Splits);
            }

            return (_leaves[na - first], _leaves[nb - first], _leaves[nc - first], _leaves[nd - first]);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int Step(int node, float[] vector, ulong[] splits)
        {
            ref readonly var split = ref _nodes[node];
            // Written as "not at most" so that NaN goes right, as in ML.NET's own walk (value <= threshold goes left).
            // A ulong shift takes its count modulo 64, so shifting by the bit's index is shifting by its place in its word.
            var right = (!(vector[split.Slot] <= split.Threshold) ? 1 : 0) | (int)(splits[split.Bit >> 6] >> split.Bit) & 1;
            return _children[2 * node + right];
        }

        /// <summary>
        /// A categorical split whose slots are not all in one one-hot column: answered per listing by looking at the
        /// shorter of its slots and the listing's set slots.
        /// </summary>
        private sealed class CategoricalSplit(int[] slots, int width, int index)
        {
            private readonly ulong[] _bits = Bits(slots, width);

            /// <summary>The split's number among the forest's categorical splits: its bit in <see cref="Scratch.Row.Splits"/>.</summary>
            public int Index => index;

            public bool AnyPositive(Scratch.Row row)
            {
                var features = row.Vector;
                var touched = row.Touched;
                if (slots.Length <= touched.Count)
                {
                    foreach (var slot in slots)
                    {
                        if (features[slot] > 0)
                        {
                            return true;
                        }
                    }

                    return false;
                }

                // A slot not touched is zero, so looking at the touched ones only gives the same answer.
                foreach (var slot in touched)
                {
                    if ((_bits[slot >> 6] & (1UL << slot)) != 0 && features[slot] > 0)
                    {
                        return true;
                    }
                }

                return false;
            }

            private static ulong[] Bits(int[] slots, int width)
            {
                var bits = new ulong[(width + 63) / 64];
                foreach (var slot in slots)
                {
                    bits[slot >> 6] |= 1UL << slot;
                }

                return bits;
            }
        }

        /// <summary>A split: right when the slot's value is above the threshold or the split's bit is set (one of the two is constant).</summary>
        private readonly record struct Node(int Slot, float Threshold, int Bit);
    }
}
