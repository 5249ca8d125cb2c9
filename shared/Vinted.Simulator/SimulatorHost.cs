using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vinted.Simulator.Http;
using Vinted.Simulator.Market;

namespace Vinted.Simulator;

/// <summary>The simulator running in-process on 127.0.0.1, for tests and benchmarks.</summary>
public sealed class SimulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>The origin, e.g. <c>http://127.0.0.1:41234/</c>; site and API share it.</summary>
    public Uri BaseUrl { get; }

    public Marketplace Marketplace => _app.Services.GetRequiredService<Marketplace>();

    /// <summary>Date, faults and counters, changeable while running.</summary>
    public SimulatorState State => _app.Services.GetRequiredService<SimulatorState>();

    /// <summary>The base URL of one country's marketplace, for both the site and the API settings of a client.</summary>
    public Uri DomainUrl(string domain) => new(BaseUrl, domain + "/");

    public static async Task<SimulatorHost> StartAsync(SimulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Services.AddVintedSimulator(options);
        var app = builder.Build();
        app.UseVintedSimulator();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SimulatorHost(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
