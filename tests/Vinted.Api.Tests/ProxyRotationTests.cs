using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vinted.Api.Models;
using Vinted.Api.Options;
using Vinted.Simulator;
using Vinted.Testing;

namespace Vinted.Api.Tests;

/// <summary>
/// The client through real forward proxies on 127.0.0.1 (HTTP and SOCKS5, with credentials), each leaving from its own
/// 127.0.0.x address, in front of the simulator, which blocks one of those addresses as Vinted blocks a datacenter's.
/// </summary>
public sealed class ProxyRotationTests
{
    private const string Password = "pr0xy-s3cret-password";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly VintedSearch Search = VintedSearch.Catalog("pt") with { PerPage = 20 };

    [Fact]
    public async Task FetchPages_OneProxyBlocked_RotatesToTheOtherAndTheBlockedOneCoolsDown()
    {
        await using var blocked = ForwardProxy.Start(ProxyProtocol.Socks5, 11, "user", Password);
        await using var good = ForwardProxy.Start(ProxyProtocol.Http, 12, "user", Password);
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { BlockedAddresses = ["127.0.0.11"] });
        var logs = new CapturingLogger();
        using var client = Client(sim, new FakeTimeProvider(DateTimeOffset.UtcNow), logs, blocked, good);

        var pages = new List<FetchedPageSummary>();
        for (var page = 1; page <= 8; page++)
        {
            var fetched = await client.FetchPageAsync(Search, page, None);
            pages.Add(new FetchedPageSummary(fetched.StatusCode, fetched.ItemCount));
        }

        Assert.All(pages, p => Assert.Equal((200, 20), (p.Status, p.Items)));
        Assert.Equal(8, sim.State.Count("requests:from:127.0.0.12")); // every page through the good proxy
        Assert.Equal(0, sim.State.Count("requests:from:127.0.0.11"));
        Assert.Equal(1, sim.State.Count("blocked:from:127.0.0.11")); // blocked once (its home page), then left alone
        var health = client.RouteHealth();
        var cooling = Assert.Single(health, h => h.Route == blocked.Url);
        Assert.Equal(1, cooling.Blocks);
        Assert.NotNull(cooling.CoolingUntil);
        Assert.Null(Assert.Single(health, h => h.Route == good.Url).CoolingUntil);
        Assert.True(good.Refused > 0, "the HTTP proxy challenged for credentials"); // a 407 first, then Basic credentials
        Assert.DoesNotContain(logs.Messages, m => m.Contains(Password, StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains(blocked.Url, StringComparison.Ordinal) && m.Contains("cools down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FetchPage_EveryProxyBlocked_DomainCircuitOpensSendsNothingThenReopensAfterTheCoolDown()
    {
        await using var first = ForwardProxy.Start(ProxyProtocol.Socks5, 13);
        await using var second = ForwardProxy.Start(ProxyProtocol.Socks5, 14);
        await using var sim = await Sim.StartAsync(faults: new SimulatorFaults { BlockedAddresses = ["127.0.0.13", "127.0.0.14"] });
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var client = Client(sim, time, new CapturingLogger(), first, second);

        var blocked = await Assert.ThrowsAsync<VintedBlockedException>(() => client.FetchPageAsync(Search, 1, None));
        var blocksSeen = sim.State.Count("faults:blocked_address");
        var again = await Assert.ThrowsAsync<VintedBlockedException>(() => client.FetchPageAsync(Search, 2, None));

        Assert.Contains(first.Url, blocked.Message, StringComparison.Ordinal);
        Assert.Contains(second.Url, blocked.Message, StringComparison.Ordinal);
        Assert.False(blocked.IsTransient);
        Assert.Equal(2, blocksSeen); // each proxy tried once
        Assert.Equal(blocksSeen, sim.State.Count("faults:blocked_address")); // the open circuit sent nothing
        Assert.Equal("pt", again.Domain);

        // The block is lifted and the cool-down passes: the next page goes out again (half-open) and succeeds.
        sim.State.Faults = new SimulatorFaults();
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var page = await client.FetchPageAsync(Search, 2, None);
        Assert.Equal(200, page.StatusCode);
    }

    private static VintedClient Client(SimulatorHost sim, TimeProvider time, ILogger<VintedClient> logger, params ForwardProxy[] proxies)
    {
        var domain = Sim.Domain(sim);
        domain.ProxyCoolDown = TimeSpan.FromMinutes(1);
        domain.Proxies = proxies.Select(p => new ProxyOptions
        {
            Url = p.Url,
            Username = "user",
            Password = Password,
            RequestsPerSecond = 500,
        }).ToList();
        var options = new VintedApiOptions();
        options.Domains["pt"] = domain;
        return new VintedClient(new HttpClient(VintedClient.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan }, options, time, logger);
    }

    private sealed record FetchedPageSummary(int Status, int Items);

    /// <summary>Keeps every formatted log message, to check what the client logs (and what it must not).</summary>
    private sealed class CapturingLogger : ILogger<VintedClient>
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
