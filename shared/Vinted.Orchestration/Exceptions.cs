namespace Vinted.Orchestration;

/// <summary>Thrown into an orchestrator when an activity it called has failed for good.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string activityName, int stepId, string? error)
        : base($"Activity '{activityName}' (step {stepId}) failed: {error}")
    {
        ActivityName = activityName;
        StepId = stepId;
        Error = error;
    }

    public TaskFailedException()
    {
        ActivityName = "";
    }

    public TaskFailedException(string message)
        : base(message)
    {
        ActivityName = "";
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        ActivityName = "";
    }

    public string ActivityName { get; }

    public int StepId { get; }

    public string? Error { get; }
}

/// <summary>
/// The orchestrator did not repeat its recorded calls on re-execution (another activity, another input, or
/// an await on something that is not an activity). The instance fails rather than diverge silently.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    public NonDeterministicOrchestrationException()
    {
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
