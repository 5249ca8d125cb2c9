using Microsoft.Playwright;
using Vinted.Testing;

namespace Vinted.BrowserTests;

/// <summary>
/// Three days of demo runs behind the function app, and a headless Chromium: Debian's <c>/usr/bin/chromium</c>
/// driven by Playwright (Playwright cannot download its own browser here).
/// </summary>
public sealed class BrowserSite : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright _playwright = null!;

    public PipelineHost Site { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static LocalStack Stack => LocalStack.Instance;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: tests/run-tests.sh installs Debian's chromium package (apt-get install -y chromium).");
        }

        Site = await PipelineHost.StartDemoAsync(nameof(BrowserTests), days: 3);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A fresh browser context (no cookies) whose relative addresses go to the site.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Site.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}
