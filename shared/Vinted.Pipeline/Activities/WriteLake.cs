using Microsoft.DurableTask;
using Vinted.Lake;
using Vinted.Pipeline.Retries;

namespace Vinted.Pipeline.Activities;

/// <summary>The mart days a lake write replaces: the run's day and every day its mart build rebuilt.</summary>
public sealed record LakeInput(IReadOnlyList<DateOnly> Days);

/// <summary>
/// Writes the days' fact partitions and the current dimensions to the lake as Parquet (after the mart stage). A retry or a
/// replay rewrites the same days from the mart as it is; a value without an exact Parquet form fails without a retry.
/// </summary>
public sealed class WriteLake(LakeWriter writer) : TaskActivity<LakeInput, LakeResult>
{
    public override async Task<LakeResult> RunAsync(TaskActivityContext context, LakeInput input)
    {
        try
        {
            return await BulkStage.RunAsync(() => writer.WriteAsync(input.Days, CancellationToken.None));
        }
        catch (LakeDataException e)
        {
            throw new NonRetryableException(e.Message, e);
        }
    }
}
