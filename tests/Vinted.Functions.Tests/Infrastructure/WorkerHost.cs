using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vinted.Functions.Azure;

namespace Vinted.Functions.Tests.Infrastructure;

/// <summary>
/// The Azure worker's host (<see cref="AzureFunctionsHost"/>) built with given app settings in place of the process
/// environment, as the Functions host hands them over (<c>__</c> is the section separator), and its options classes.
/// </summary>
internal sealed class WorkerHost : IDisposable
{
    private static readonly Type[] OptionsServices = [typeof(IConfigureOptions<>), typeof(IPostConfigureOptions<>), typeof(IValidateOptions<>)];

    private readonly IHost _host;

    public WorkerHost(IReadOnlyDictionary<string, string> appSettings)
    {
        IServiceCollection? registered = null;
        _host = AzureFunctionsHost.CreateBuilder(appSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
            .ConfigureServices(services => registered = services)
            .Build();
        OptionsTypes = registered!
            .Where(d => d.ServiceType.IsGenericType && OptionsServices.Contains(d.ServiceType.GetGenericTypeDefinition()))
            .Select(d => d.ServiceType.GetGenericArguments()[0])
            .Where(t => t.Namespace?.StartsWith("Vinted.", StringComparison.Ordinal) == true)
            .Distinct()
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The worker's services, to resolve what it registers (named options, the functions' dependencies).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The product's options classes the worker registers (configured or validated), whatever their section.</summary>
    public IReadOnlyList<Type> OptionsTypes { get; }

    /// <summary>Resolves <c>IOptions&lt;T&gt;.Value</c>, which binds and validates it as the start-up validation does.</summary>
    public object Resolve(Type optionsType)
    {
        var options = _host.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(optionsType));
        return options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options)!;
    }

    public void Dispose() => _host.Dispose();
}
