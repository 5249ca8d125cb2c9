namespace Vinted.PriceModel.Training;

/// <summary>How close estimates came to asking prices, on the price scale: mean absolute error, mean absolute percentage error (a fraction) and R².</summary>
public sealed record RegressionScores(double Mae, double Mape, double R2)
{
    public static RegressionScores Of(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        if (actual.Count == 0 || actual.Count != predicted.Count)
        {
            throw new ArgumentException("Scores need as many predictions as actual values, and at least one.", nameof(predicted));
        }

        var mean = actual.Average();
        double absolute = 0, relative = 0, residual = 0, total = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            var error = actual[i] - predicted[i];
            absolute += Math.Abs(error);
            relative += Math.Abs(error) / actual[i];
            residual += error * error;
            total += (actual[i] - mean) * (actual[i] - mean);
        }

        return new RegressionScores(absolute / actual.Count, relative / actual.Count, total == 0 ? 0 : 1 - residual / total);
    }

    /// <summary>Better on both absolute and relative error: what promotion asks of a model against the baseline.</summary>
    public bool Beats(RegressionScores other) => Mae < other.Mae && Mape < other.Mape;
}
