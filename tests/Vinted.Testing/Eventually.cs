using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vinted.Testing;

/// <summary>Polling helpers for tests that watch other processes.</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until true; fails with <paramref name="diagnostics"/> (host output) on timeout.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > timeout)
            {
                Assert.Fail($"timed out after {timeout}; host output:\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until a host answers its management API on <paramref name="port"/>.</summary>
    public static async Task WaitUntilReadyAsync(FunctionHostProcess host, int port)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-functions-key", LocalStack.Instance.DefaultKey);
        await WaitForAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync("/runtime/webhooks/durabletask/instances?top=1");
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(60),
            () => host.Output);
    }

    /// <summary>A TCP port free on 127.0.0.1 right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
