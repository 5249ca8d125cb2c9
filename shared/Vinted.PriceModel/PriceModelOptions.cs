using System.ComponentModel.DataAnnotations;

namespace Vinted.PriceModel;

/// <summary>The <c>PriceModel</c> section: how the price model trains and serves. Every setting has a working default.</summary>
public sealed class PriceModelOptions : IValidatableObject
{
    public const string Section = "PriceModel";

    /// <summary>Days of listings before the held-out day that the model trains on.</summary>
    [Range(1, 365)]
    public int TrainingDays { get; set; } = 28;

    /// <summary>
    /// The most rows a training reads (about; a sample by listing beyond it): 28 days of a 1,000,000-listing market are
    /// 28,000,000 rows, which held 10.7 GB of the host before LightGBM began (issue 21).
    /// </summary>
    [Range(1_000, 100_000_000)]
    public int MaxTrainingRows { get; set; } = 1_000_000;

    /// <summary>The most rows of the held-out day a training evaluates on (about; a sample by listing beyond it).</summary>
    [Range(100, 10_000_000)]
    public int MaxTestRows { get; set; } = 200_000;

    /// <summary>A currency with fewer training rows than this is not trained (its run says so).</summary>
    [Range(10, int.MaxValue)]
    public int MinTrainingRows { get; set; } = 200;

    /// <summary>A currency with fewer rows on the held-out day than this is not trained: its metrics would say nothing.</summary>
    [Range(1, int.MaxValue)]
    public int MinTestRows { get; set; } = 20;

    /// <summary>LightGBM boosting rounds.</summary>
    [Range(10, 10_000)]
    public int Iterations { get; set; } = 300;

    /// <summary>LightGBM leaves per tree.</summary>
    [Range(2, 1_024)]
    public int Leaves { get; set; } = 31;

    [Range(0.001, 1.0)]
    public double LearningRate { get; set; } = 0.1;

    /// <summary>LightGBM's smallest leaf.</summary>
    [Range(1, 10_000)]
    public int MinLeafRows { get; set; } = 20;

    /// <summary>Whether a training run that beats the baseline moves the production alias to its version.</summary>
    public bool PromoteWhenBetter { get; set; } = true;

    /// <summary>
    /// How long the server trusts the production version it read: each estimate request reads the alias again once
    /// this is past, so a promotion or a rollback reaches every host within it, without a restart. Zero reads it every time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AliasCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most items one estimate request may carry.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 1_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A floor above the bound refuses every training: the bounded sample never reaches it.
        if (MinTrainingRows > MaxTrainingRows)
        {
            yield return new ValidationResult($"must not exceed MaxTrainingRows ({MaxTrainingRows})", [nameof(MinTrainingRows)]);
        }

        if (MinTestRows > MaxTestRows)
        {
            yield return new ValidationResult($"must not exceed MaxTestRows ({MaxTestRows})", [nameof(MinTestRows)]);
        }
    }
}
