using System.ComponentModel.DataAnnotations;
using Npgsql;
using Vinted.Settings.Validation;

namespace Vinted.Platform.Postgres;

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
                ? SettingFailure.Fail(validationContext, "is not a PostgreSQL connection string: it names no Host")
                : ValidationResult.Success;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The message says which part is wrong; the string itself may hold a password and is not repeated.
            return SettingFailure.Fail(validationContext, $"is not a PostgreSQL connection string ({e.GetType().Name}: {Redacted(e.Message)})");
        }
    }

    private static string Redacted(string message) => message.Contains("assword", StringComparison.OrdinalIgnoreCase) ? "a value is invalid" : message;
}
