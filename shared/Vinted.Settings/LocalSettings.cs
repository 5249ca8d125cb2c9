using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Vinted.Settings;

/// <summary>
/// Reads the Azure Functions <c>local.settings.json</c> format: a <c>Values</c> object of flat keys in
/// environment-variable form (<c>Section__Key</c>) and an optional <c>ConnectionStrings</c> object.
/// </summary>
public static class LocalSettings
{
    /// <summary>Adds the file's settings to the configuration when the file exists.</summary>
    public static IConfigurationBuilder AddLocalSettings(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("Values", out var flat))
        {
            foreach (var property in flat.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] = property.Value.ToString();
            }
        }

        if (document.RootElement.TryGetProperty("ConnectionStrings", out var connectionStrings))
        {
            foreach (var property in connectionStrings.EnumerateObject())
            {
                values[$"ConnectionStrings:{property.Name}"] = property.Value.ToString();
            }
        }

        return builder.AddInMemoryCollection(values);
    }
}
