using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Vinted.Orchestration.Tests.Infrastructure;
using Vinted.Orchestration.Options;
using Xunit.Abstractions;

namespace Vinted.Orchestration.Tests;

/// <summary>A host process killed with SIGKILL in the middle of a fan-out; a new host process finishes the instance.</summary>
public abstract class CrashRecoveryTests(EngineBackend backend, ITestOutputHelper output)
{
    private const int Items = 300;

    [Fact]
    public async Task FanOut_HostKilledMidway_RestartedHostCompletesWithEveryItemRecorded()
    {
        var stack = LocalStack.Instance;
        var connectionString = await stack.CreateDatabaseAsync(GetType().Name);
        var hub = LocalStack.NewHubName();
        var port = Eventually.FreePort();
        void Configure(IDictionary<string, string?> env)
        {
            env["ConnectionStrings__Warehouse"] = connectionString;
            env["Http__Urls"] = $"http://127.0.0.1:{port}";
            env["Schedule__Enabled"] = "false";
            env["Diagnostics__Enabled"] = "true";
            env["DurableTask__HubName"] = hub;
            env["DurableTask__Backend"] = backend.ToString();
            // A dead host's leases (PostgreSQL) or messages (Azure Storage) come back after these; short so that the
            // restart resumes soon.
            env["DurableTask__WorkItemQueueVisibilityTimeout"] = "00:00:10";
            env["DurableTask__ControlQueueVisibilityTimeout"] = "00:00:10";
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("x-functions-key", stack.DefaultKey);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        string id;
        int effectsAtKill;
        await using (var first = FunctionHostProcess.Start(["serve"], Configure))
        {
            await WaitForStatusAsync(http, "/runtime/webhooks/durabletask/instances?top=1", first, TimeSpan.FromSeconds(90));
            using var start = await http.PostAsJsonAsync("/api/orchestrators/FanOutProbe", new { count = Items, delayMs = 50 });
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

            await Eventually.WaitForAsync(async () => await EffectsAsync(dataSource, id) >= Items / 5, TimeSpan.FromSeconds(120), () => first.Output);
            await first.KillAsync();
            effectsAtKill = await EffectsAsync(dataSource, id);
        }

        Assert.InRange(effectsAtKill, Items / 5, Items - 1); // killed in the middle, not before or after

        await using var second = FunctionHostProcess.Start(["serve"], Configure);
        var status = await WaitForStatusAsync(http, $"/runtime/webhooks/durabletask/instances/{id}", second, TimeSpan.FromSeconds(240));

        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        var result = status.GetProperty("output");
        var (count, distinct, attempts, sum) = (
            result.GetProperty("items").GetInt32(), result.GetProperty("distinctItems").GetInt32(),
            result.GetProperty("totalAttempts").GetInt32(), result.GetProperty("sumOfItems").GetInt64());
        output.WriteLine($"items {count}, distinct {distinct}, attempts {attempts}: {attempts - count} ran twice; {effectsAtKill} recorded at the kill");
        Assert.Equal(Items, count);
        Assert.Equal(Items, distinct);
        Assert.Equal(Items * (Items + 1L) / 2, sum);
        Assert.True(attempts >= Items, $"{attempts} attempts for {Items} items");
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200 (a host that is not listening yet is waited for).</summary>
    private static async Task<JsonElement> WaitForStatusAsync(HttpClient http, string path, FunctionHostProcess host, TimeSpan timeout)
    {
        JsonElement body = default;
        await Eventually.WaitForAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(path);
                    body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            timeout,
            () => host.Output);
        return body;
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

public sealed class CrashRecoveryTestsOnPostgreSql(ITestOutputHelper output) : CrashRecoveryTests(EngineBackend.PostgreSql, output);

public sealed class CrashRecoveryTestsOnAzureStorage(ITestOutputHelper output) : CrashRecoveryTests(EngineBackend.AzureStorage, output);
