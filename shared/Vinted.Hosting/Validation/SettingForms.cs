using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Npgsql;

namespace Vinted.Hosting.Validation;

/// <summary>
/// An Npgsql connection string that parses and names a host: a malformed one fails at start with its key named,
/// instead of crashing the first thing that opens a connection.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NpgsqlConnectionStringAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string { Length: > 0 } text)
        {
            return ValidationResult.Success; // [Required] says whether it may be empty.
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(text);
            return string.IsNullOrWhiteSpace(builder.Host)
                ? Fail(validationContext, "is not a PostgreSQL connection string: it names no Host")
                : ValidationResult.Success;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The message says which part is wrong; the string itself may hold a password and is not repeated.
            return Fail(validationContext, $"is not a PostgreSQL connection string ({e.GetType().Name}: {Redacted(e.Message)})");
        }
    }

    internal static ValidationResult Fail(ValidationContext context, string message) =>
        new(message, context.MemberName is { } member ? [member] : null);

    private static string Redacted(string message) => message.Contains("assword", StringComparison.OrdinalIgnoreCase) ? "a value is invalid" : message;
}

/// <summary>
/// An Azure Storage connection string as the Durable Task provider reads it: <c>UseDevelopmentStorage=true</c>, or
/// <c>key=value</c> pairs naming an account or endpoints.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StorageConnectionStringAttribute : ValidationAttribute
{
    private static readonly string[] Identifying = ["UseDevelopmentStorage", "AccountName", "BlobEndpoint", "QueueEndpoint", "TableEndpoint"];

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string { Length: > 0 } text)
        {
            return ValidationResult.Success;
        }

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = text;
        }
        catch (ArgumentException)
        {
            return NpgsqlConnectionStringAttribute.Fail(validationContext, "is not a storage connection string (key=value pairs separated by ';')");
        }

        if (!Identifying.Any(builder.ContainsKey))
        {
            return NpgsqlConnectionStringAttribute.Fail(validationContext, $"is not a storage connection string: it has none of {string.Join(", ", Identifying)}");
        }

        foreach (var key in builder.Keys.Cast<string>().Where(k => k.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase)))
        {
            if (!Uri.TryCreate(builder[key] as string, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                return NpgsqlConnectionStringAttribute.Fail(validationContext, $"has a {key} that is not an absolute http(s) URL");
            }
        }

        return ValidationResult.Success;
    }
}

/// <summary>An absolute URL whose scheme is one of <see cref="Schemes"/> (default http and https); empty passes (see [Required]).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AbsoluteUrlAttribute(params string[] schemes) : ValidationAttribute
{
    public IReadOnlyList<string> Schemes { get; } = schemes.Length == 0 ? ["http", "https"] : schemes;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var text = value switch
        {
            string s => s,
            Uri u => u.OriginalString,
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            return ValidationResult.Success;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && Schemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase) && uri.Host.Length > 0
            ? ValidationResult.Success
            : NpgsqlConnectionStringAttribute.Fail(validationContext, $"is not an absolute URL ({string.Join(", ", Schemes)})");
    }
}
