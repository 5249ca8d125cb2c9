using System.ComponentModel.DataAnnotations;
using System.Data.Common;

namespace Vinted.Settings.Validation;

/// <summary>How a setting form reports a value it refuses: the message names the member, never repeats the value.</summary>
public static class SettingFailure
{
    /// <summary>A validation failure of <paramref name="context"/>'s member.</summary>
    public static ValidationResult Fail(ValidationContext context, string message) =>
        new(message, context.MemberName is { } member ? [member] : null);
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
            return SettingFailure.Fail(validationContext, "is not a storage connection string (key=value pairs separated by ';')");
        }

        if (!Identifying.Any(builder.ContainsKey))
        {
            return SettingFailure.Fail(validationContext, $"is not a storage connection string: it has none of {string.Join(", ", Identifying)}");
        }

        foreach (var key in builder.Keys.Cast<string>().Where(k => k.EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase)))
        {
            if (!Uri.TryCreate(builder[key] as string, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
            {
                return SettingFailure.Fail(validationContext, $"has a {key} that is not an absolute http(s) URL");
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
            : SettingFailure.Fail(validationContext, $"is not an absolute URL ({string.Join(", ", Schemes)})");
    }
}
