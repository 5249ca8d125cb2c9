using System.Diagnostics.CodeAnalysis;
using Microsoft.DurableTask.Client;

namespace Vinted.Testing;

/// <summary>Assertions on finished orchestrations that say why one did not complete.</summary>
public static class RunAssert
{
    /// <summary>
    /// Asserts that <paramref name="status"/> is a completed orchestration. A failed one is reported with its error, so
    /// a red test names the cause instead of "expected Completed, actual Failed".
    /// </summary>
    public static void Completed([NotNull] OrchestrationMetadata? status)
    {
        Assert.NotNull(status);
        Assert.True(
            status.RuntimeStatus == OrchestrationRuntimeStatus.Completed,
            $"{status.Name} {status.InstanceId}: {status.RuntimeStatus} {status.FailureDetails?.ErrorType} {status.FailureDetails?.ErrorMessage}".TrimEnd());
    }
}
