using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vinted.Orchestration;
using Vinted.Orchestration.Client;

namespace Vinted.Testing;

/// <summary>
/// The Durable Task engine's settings for test hosts: the default backend (PostgreSQL, in the host's test database), a
/// task hub of the host's own (tests never see each other's instances) and short intervals, so retries and idle
/// polling do not dominate a test's time.
/// </summary>
public static class TestEngine
{
    /// <summary>The engine settings of a test host on hub <paramref name="hubName"/>, as <c>Section:Key</c> pairs.</summary>
    public static IReadOnlyDictionary<string, string> Settings(string hubName, int partitions = 2) => new Dictionary<string, string>
    {
        ["AzureWebJobsStorage"] = LocalStack.Instance.AzureWebJobsStorage,
        ["DurableTask:HubName"] = hubName,
        ["DurableTask:PartitionCount"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DurableTask:MaxQueuePollingInterval"] = "00:00:00.200",
        // The lease's minimum: after a SIGKILL the dead host's work comes back this much later.
        ["DurableTask:WorkItemQueueVisibilityTimeout"] = "00:00:10",
        ["DurableTask:ControlQueueVisibilityTimeout"] = "00:00:10",
        ["DurableTask:Retention"] = "00:00:00",
        ["Pipeline:Retry:FirstRetryInterval"] = "00:00:00.250",
        ["Pipeline:Retry:MaxRetryInterval"] = "00:00:02",
    };

    /// <summary>The same settings as command-line arguments (<c>--Section:Key=value</c>).</summary>
    public static IEnumerable<string> Arguments(string hubName, int partitions = 2) =>
        Settings(hubName, partitions).Select(s => $"--{s.Key}={s.Value}");

    /// <summary>The same settings as environment variables (<c>Section__Key</c>), for host processes.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(string hubName, int partitions = 2) =>
        Settings(hubName, partitions).Select(s => KeyValuePair.Create(s.Key.Replace(":", "__", StringComparison.Ordinal), s.Value));

    /// <summary>
    /// A client of hub <paramref name="hubName"/> in the database of <paramref name="connectionString"/> that runs no
    /// worker: reads instances and their history while the hosts that run them come and go.
    /// </summary>
    public static ServiceProvider Client(string hubName, string connectionString)
    {
        var settings = Settings(hubName).Append(KeyValuePair.Create("ConnectionStrings:Warehouse", connectionString));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddDurableTaskEngine();
        return services.BuildServiceProvider();
    }
}

/// <summary>Waiting on the engine's client with a deadline.</summary>
public static class ClientExtensions
{
    /// <summary>
    /// Waits until instance <paramref name="id"/> finishes (after <paramref name="after"/>, for a restarted one whose old
    /// execution has finished already); fails the test after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<OrchestrationMetadata> WaitForFinishAsync(this DurableTaskClient client, string id, TimeSpan timeout, DateTimeOffset? after = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var status = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
                if (after is null || status.LastUpdatedAt > after)
                {
                    return status;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250), cts.Token);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            var status = await client.GetInstanceAsync(id, getInputsAndOutputs: true);
            Assert.Fail($"instance {id} did not finish within {timeout}: {status?.RuntimeStatus} {status?.SerializedCustomStatus}");
            throw;
        }
    }

    /// <summary>The instance's output as a JSON element.</summary>
    public static System.Text.Json.JsonElement OutputJson(this OrchestrationMetadata metadata) =>
        System.Text.Json.JsonDocument.Parse(metadata.SerializedOutput ?? "null").RootElement.Clone();
}
