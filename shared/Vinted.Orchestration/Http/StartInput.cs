using System.Text.Json;
using Vinted.Settings;

namespace Vinted.Orchestration.Http;

/// <summary>Why a start body was refused: a title, and the reason in words or by field.</summary>
public sealed record InputRefusal(string Title, string? Detail, IDictionary<string, string[]>? Errors);

/// <summary>
/// How both hosts read an orchestration's start body (the self-host's <c>POST /api/orchestrators/{name}</c>, the Azure
/// app's <c>POST /api/runs</c>): as the orchestrator's own input type, so an input it cannot read is refused at the
/// door, not in the run.
/// </summary>
public static class StartInput
{
    /// <summary>Strict JSON (no member the type lacks), then the type's bounds; null when the body fits.</summary>
    public static InputRefusal? Read(byte[] body, Type inputType, out object? input)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            input = JsonSerializer.Deserialize(body, inputType, DurableHttpApi.StrictJson);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            // An ArgumentException is an input type refusing a value (VintedSearch.PerPage = 500), not a server fault.
            input = null;
            return new InputRefusal("The input does not fit the orchestrator", e.Message, null);
        }

        if (input is not null && ObjectValidation.Validate(input, "input") is { Count: > 0 } failures)
        {
            return new InputRefusal(
                "The input is out of bounds",
                string.Join("; ", failures.Select(f => $"{f.Key}: {f.Message}")),
                failures.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Select(f => f.Message ?? "invalid").ToArray()));
        }

        return null;
    }

    /// <summary>
    /// Reads <paramref name="body"/> as a <typeparamref name="T"/>; an empty or blank body, or JSON <c>null</c>, is
    /// <paramref name="empty"/>.
    /// </summary>
    public static InputRefusal? ReadOrDefault<T>(byte[] body, T empty, out T input)
        where T : class
    {
        input = empty;
        if (body.All(b => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
        {
            return null;
        }

        var refusal = Read(body, typeof(T), out var read);
        if (read is T typed)
        {
            input = typed;
        }

        return refusal;
    }
}
