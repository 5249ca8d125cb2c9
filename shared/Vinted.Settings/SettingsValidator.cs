using System.Collections;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Vinted.Settings;

/// <summary>
/// Validates an options object with data annotations, recursing into nested option objects and
/// collections, and reports each failure by configuration key so that an operator knows what to set.
/// </summary>
internal sealed class SettingsValidator<T>(string section, string? legacySection = null, IConfiguration? configuration = null) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var failures = ObjectValidation.Validate(options, section).Select(f => Describe(SourceKey(f.Key), f.Message)).ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The legacy key when the value came from there (set under the legacy section, not under the current one).</summary>
    private string SourceKey(string key)
    {
        if (legacySection is null || configuration is null || !key.StartsWith(section + ":", StringComparison.Ordinal))
        {
            return key;
        }

        var legacy = legacySection + key[section.Length..];
        return configuration[key] is null && configuration[legacy] is not null ? legacy : key;
    }

    private static string Describe(string key, string? message) =>
        $"Missing or invalid setting '{key}' (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}): {message}";
}

/// <summary>Data-annotation validation of an object graph (settings, an HTTP input), each failure named by its path.</summary>
public static class ObjectValidation
{
    /// <summary>Every failure in <paramref name="instance"/> and the objects and collections it holds, keyed <c>path:Member:0:Member</c>.</summary>
    public static IReadOnlyList<(string Key, string? Message)> Validate(object instance, string path)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var failures = new List<(string, string?)>();
        Collect(instance, path, failures);
        return failures;
    }

    private static void Collect(object instance, string path, List<(string, string?)> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(instance, new ValidationContext(instance), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? result.MemberNames : [""];
            failures.AddRange(members.Select(member => (Join(path, member), result.ErrorMessage)));
        }

        foreach (var property in instance.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || !IsNested(property.PropertyType))
            {
                continue;
            }

            switch (property.GetValue(instance))
            {
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (entry.Value is { } value && IsNested(value.GetType()))
                        {
                            Collect(value, Join(Join(path, property.Name), entry.Key.ToString()!), failures);
                        }
                    }

                    break;
                case IEnumerable items and not string:
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is { } value && IsNested(value.GetType()))
                        {
                            Collect(value, Join(Join(path, property.Name), index.ToString(System.Globalization.CultureInfo.InvariantCulture)), failures);
                        }

                        index++;
                    }

                    break;
                case { } nested:
                    Collect(nested, Join(path, property.Name), failures);
                    break;
            }
        }
    }

    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !type.IsArray
        || typeof(IEnumerable).IsAssignableFrom(type) && type != typeof(string);

    private static string Join(string path, string member) => member.Length == 0 ? path : path.Length == 0 ? member : $"{path}:{member}";
}
