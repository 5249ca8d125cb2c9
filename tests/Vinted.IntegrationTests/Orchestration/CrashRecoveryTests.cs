using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Vinted.IntegrationTests.Infrastructure;

namespace Vinted.IntegrationTests.Orchestration;

/// <summary>A host process killed with SIGKILL in the middle of a fan-out; a new host finishes the instance.</summary>
public sealed class CrashRecoveryTests
{
    private const int Items = 300;

    [Fact]
    public async Task FanOut_HostKilledMidway_NewHostCompletesWithEveryEffectExactlyOnce()
    {
        var stack = LocalStack.Instance;
        var connectionString = await stack.CreateDatabaseAsync(nameof(CrashRecoveryTests));
        var port = Eventually.FreePort();
        void Configure(IDictionary<string, string?> env)
        {
            env["ConnectionStrings__Warehouse"] = connectionString;
            env["Http__Urls"] = $"http://127.0.0.1:{port}";
            env["Schedule__Enabled"] = "false";
            env["Orchestration__InvisibilityTimeout"] = "00:00:08";
            env["Orchestration__DistributedLockTimeout"] = "00:00:05";
            env["Orchestration__QueuePollInterval"] = "00:00:00.200";
            env["Orchestration__SweepGrace"] = "00:00:03";
            env["Orchestration__SweepInterval"] = "00:00:01";
            env["Orchestration__Workers__default"] = "8";
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-functions-key", stack.DefaultKey);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        string id;
        await using (var first = FunctionHostProcess.Start(["serve"], Configure))
        {
            await Eventually.WaitUntilReadyAsync(first, port);
            using var start = await http.PostAsJsonAsync("/api/orchestrators/FanOutProbe", new { count = Items, delayMs = 40 });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            await Eventually.WaitForAsync(async () => await EffectsAsync(dataSource, id) >= Items / 5, TimeSpan.FromSeconds(60), () => first.Output);
            first.Kill();
        }

        var effectsAtKill = await EffectsAsync(dataSource, id);
        Assert.InRange(effectsAtKill, Items / 5, Items - 1); // killed in the middle, not before or after

        await using var second = FunctionHostProcess.Start(["serve"], Configure);
        JsonElement status = default;
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync($"/runtime/webhooks/durabletask/instances/{id}");
                    status = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // the new host is not listening yet
                }
            },
            TimeSpan.FromSeconds(120),
            () => second.Output);

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var output = status.GetProperty("output");
        Assert.Equal(Items, output.GetProperty("items").GetInt32());
        Assert.Equal(Items, output.GetProperty("distinctItems").GetInt32());
        Assert.Equal(Items * (Items + 1L) / 2, output.GetProperty("sumOfItems").GetInt64());
        // At least once: the activities in flight at the kill ran again; nothing else did.
        Assert.InRange(output.GetProperty("totalAttempts").GetInt32(), Items, Items + 16);
    }

    private static async Task<int> EffectsAsync(NpgsqlDataSource dataSource, string id)
    {
        await using var command = dataSource.CreateCommand("select count(*)::int from diagnostics.probe_effects where instance_id = @id");
        command.Parameters.AddWithValue("id", id);
        try
        {
            return (int)(await command.ExecuteScalarAsync())!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}
