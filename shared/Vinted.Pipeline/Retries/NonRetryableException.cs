namespace Vinted.Pipeline.Retries;

/// <summary>
/// Thrown by an activity whose failure another attempt cannot fix (an invalid plan, an anti-bot block, a failed
/// data-quality check): the retry handler gives up at once.
/// </summary>
public sealed class NonRetryableException : Exception
{
    public NonRetryableException()
    {
    }

    public NonRetryableException(string message)
        : base(message)
    {
    }

    public NonRetryableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
