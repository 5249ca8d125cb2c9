using System.Collections.Concurrent;
using System.Reflection;

namespace Vinted.Platform.Sql;

/// <summary>
/// The SQL a project embeds (<c>&lt;EmbeddedResource Include="Sql/**/*.sql" /&gt;</c>), each script read once. A
/// script is named by its path under <c>Sql/</c> without the extension, folders separated by '/' or '.'
/// (<c>Transformations/mart_010_dimensions</c>).
/// </summary>
public sealed class EmbeddedSql(Assembly assembly)
{
    private static readonly ConcurrentDictionary<(Assembly, string), string> Cache = new();
    private readonly string _root = $"{assembly.GetName().Name}.Sql.";

    /// <summary>The loader of the assembly that holds <typeparamref name="T"/>.</summary>
    public static EmbeddedSql Of<T>() => new(typeof(T).Assembly);

    /// <summary>The text of <c>Sql/{path}.sql</c>; a missing script is a build mistake and says which.</summary>
    public string this[string path] => Cache.GetOrAdd((assembly, _root + path.Replace('/', '.') + ".sql"), static key =>
    {
        using var stream = key.Item1.GetManifestResourceStream(key.Item2)
            ?? throw new InvalidOperationException($"Embedded SQL {key.Item2} is missing from {key.Item1.GetName().Name}.");
        return Normalized(stream);
    });

    /// <summary>
    /// A script's text with line endings made LF: a checkout with CRLF endings must neither change a migration's
    /// checksum nor the text PostgreSQL receives.
    /// </summary>
    public static string Normalized(Stream stream)
    {
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
