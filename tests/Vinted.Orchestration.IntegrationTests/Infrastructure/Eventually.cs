using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vinted.Orchestration.IntegrationTests.Infrastructure;

/// <summary>Polling helpers: tests wait for states, never for fixed times.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true; fails with <paramref name="diagnostics"/> on timeout.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout}{(diagnostics is null ? "" : $"; host output:\n{diagnostics()}")}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>A TCP port free on 127.0.0.1 right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
