using Vinted.Api;
using Vinted.Api.Options;
using Vinted.Simulator;

namespace Vinted.Testing;

/// <summary>Starts simulators and clients pointed at them, with fast retries so fault tests stay quick.</summary>
public static class Sim
{
    public static Task<SimulatorHost> StartAsync(long listings = 20_000, SimulatorFaults? faults = null, SimulatorEra era = SimulatorEra.Both, int cap = 960, long seed = 42) =>
        SimulatorHost.StartAsync(new SimulatorOptions
        {
            Listings = listings,
            Faults = faults ?? new SimulatorFaults(),
            Era = era,
            MaxReachableResults = cap,
            Seed = seed,
        }, CancellationToken.None);

    public static VintedDomainOptions Domain(SimulatorHost sim, string domain = "pt", CatalogEndpointEra era = CatalogEndpointEra.Current) => new()
    {
        SiteBaseUrl = sim.DomainUrl(domain),
        ApiBaseUrl = sim.DomainUrl(domain),
        CatalogEndpoint = era,
        RequestsPerSecond = 2_000,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        MaxRetryDelay = TimeSpan.FromSeconds(3),
        AttemptTimeout = TimeSpan.FromSeconds(5),
        TotalTimeout = TimeSpan.FromSeconds(30),
        MaxRetryAttempts = 4,
    };

    public static VintedClient Client(SimulatorHost sim, CatalogEndpointEra era = CatalogEndpointEra.Current, Action<VintedDomainOptions>? configure = null)
    {
        var domain = Domain(sim, era: era);
        configure?.Invoke(domain);
        var options = new VintedApiOptions();
        options.Domains["pt"] = domain;
        return new VintedClient(new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, options, TimeProvider.System);
    }
}
