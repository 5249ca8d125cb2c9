using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Vinted.Functions.HostTests.Infrastructure;
using Vinted.Functions.Tests.Infrastructure;
using Xunit.Abstractions;
using Content = Microsoft.Azure.WebJobs.Script.Grpc.Messages.StreamingMessage.ContentOneofCase;

namespace Vinted.Functions.HostTests;

/// <summary>
/// The published function app started as the Functions host starts its isolated worker, and driven over the
/// language-worker protocol (FunctionRpc.proto) by a stand-in host: the start handshake, the function metadata the
/// worker reports against functions.metadata, the loads, an activity invoked with the input the Durable extension
/// sends, and HTTP functions (the manual start, an insight, readiness) through the worker's ASP.NET Core server as the
/// host proxies them.
/// </summary>
public sealed class StandInHostTests(PublishedApp app, ITestOutputHelper output) : IClassFixture<PublishedApp>
{
    /// <summary>The header the host's HTTP proxy adds, pairing the proxied request with its InvocationRequest.</summary>
    private const string InvocationIdHeader = "x-ms-invocation-id";

    [Fact]
    public async Task PublishedWorker_OverTheProtocol_ReportsLoadsAndRunsItsFunctions()
    {
        await using var host = await StandInHost.StartAsync(app.Directory, AppSettings());
        try
        {
            await RunAsync(host);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{e.Message}\n{host.Diagnostics()}", e);
        }
        catch (Xunit.Sdk.XunitException)
        {
            output.WriteLine(host.Diagnostics());
            throw;
        }
    }

    private async Task RunAsync(StandInHost host)
    {
        output.WriteLine($"worker started: {host.CommandLine}");
        var worker = host.Connection;

        // The worker opens the stream with StartStream naming the id it was given.
        var start = await worker.ReceiveAsync(Content.StartStream);
        Assert.Equal(host.WorkerId, start.StartStream.WorkerId);

        // WorkerInitRequest, as GrpcWorkerChannel sends it.
        var init = new WorkerInitRequest { HostVersion = "4.0.0.0", WorkerDirectory = app.Directory, FunctionAppDirectory = app.Directory };
        init.Capabilities.Add("HandlesWorkerTerminateMessage", "1");
        init.Capabilities.Add("HandlesInvocationCancelMessage", "1");
        await worker.SendAsync(new StreamingMessage { RequestId = host.RequestId, WorkerInitRequest = init });
        var initialized = (await worker.ReceiveAsync(Content.WorkerInitResponse)).WorkerInitResponse;
        AssertSuccess(initialized.Result, "WorkerInitResponse");
        output.WriteLine($"init: worker {initialized.WorkerMetadata?.RuntimeName} {initialized.WorkerMetadata?.WorkerVersion}, capabilities "
            + string.Join(", ", initialized.Capabilities.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}")));

        // The functions the worker indexes itself (worker.config.json: workerIndexing) are those of functions.metadata.
        await worker.SendAsync(new StreamingMessage { RequestId = host.RequestId, FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = app.Directory } });
        var metadata = (await worker.ReceiveAsync(Content.FunctionMetadataResponse)).FunctionMetadataResponse;
        AssertSuccess(metadata.Result, "FunctionMetadataResponse");
        Assert.False(metadata.UseDefaultMetadataIndexing, "The worker left indexing to the host.");
        var reported = metadata.FunctionMetadataResults.Select(Describe).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        var published = JsonNode.Parse(await File.ReadAllTextAsync(app.Path("functions.metadata")))!.AsArray()
            .Select(f => Describe(f!.AsObject())).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(published, reported);
        foreach (var function in reported)
        {
            output.WriteLine($"reported: {function.Name} ({function.Trigger}) -> {function.EntryPoint} [{function.Bindings}]");
        }

        // Loaded one by one (FunctionLoadRequest), or in one collection when the worker says it answers with one.
        var ids = metadata.FunctionMetadataResults.ToDictionary(f => f.Name, f => string.IsNullOrEmpty(f.FunctionId) ? Guid.NewGuid().ToString() : f.FunctionId);
        var loads = metadata.FunctionMetadataResults.Select(f => new FunctionLoadRequest { FunctionId = ids[f.Name], Metadata = f }).ToList();
        List<FunctionLoadResponse> loaded = [];
        if (initialized.Capabilities.ContainsKey("SupportsLoadResponseCollection"))
        {
            var collection = new FunctionLoadRequestCollection();
            collection.FunctionLoadRequests.AddRange(loads);
            await worker.SendAsync(new StreamingMessage { RequestId = host.RequestId, FunctionLoadRequestCollection = collection });
            loaded.AddRange((await worker.ReceiveAsync(Content.FunctionLoadResponseCollection)).FunctionLoadResponseCollection.FunctionLoadResponses);
        }
        else
        {
            foreach (var load in loads)
            {
                await worker.SendAsync(new StreamingMessage { RequestId = host.RequestId, FunctionLoadRequest = load });
                loaded.Add((await worker.ReceiveAsync(Content.FunctionLoadResponse)).FunctionLoadResponse);
            }
        }

        Assert.Equal(ids.Values.Order(StringComparer.Ordinal), loaded.Select(l => l.FunctionId).Order(StringComparer.Ordinal));
        foreach (var response in loaded)
        {
            AssertSuccess(response.Result, $"FunctionLoadResponse {response.FunctionId}");
        }

        output.WriteLine($"loaded: {loaded.Count} functions");

        await InvokePlanRunAsync(worker, ids["PlanRun"]);
        await InvokeStartRunAsync(host, worker, ids["StartRun"], initialized.Capabilities);
        await InvokeInsightsAsync(host, worker, ids["Insights"], initialized.Capabilities);
        await InvokeHealthReadyAsync(host, worker, ids["HealthReady"], initialized.Capabilities);
        await InvokePagesAsync(host, worker, ids["RunPage"], ids["StaticFile"], initialized.Capabilities);
    }

    /// <summary>
    /// An activity as the Durable extension runs it in an isolated worker: the trigger's data is the activity's input
    /// serialized by the orchestration (camelCase, the app's serializer), the binding data names the instance.
    /// </summary>
    private async Task InvokePlanRunAsync(WorkerConnection worker, string functionId)
    {
        const string instanceId = "stand-in-run";
        var plan = await InvokeAsync(worker, functionId, """{"date":"2026-12-01","maxPages":2}""", instanceId);
        AssertSuccess(plan.Result, "PlanRun");
        var value = ReturnJson(plan);
        Assert.Equal(instanceId, value["runId"]!.GetValue<string>());
        Assert.Equal("2026-12-01", value["date"]!.GetValue<string>());
        // host.json's three searches, each capped by the input's maxPages.
        var searches = value["searches"]!.AsArray();
        Assert.Equal(3, searches.Count);
        Assert.All(searches, s => Assert.Equal(2, s!["maxPages"]!.GetValue<int>()));
        output.WriteLine($"invoked: PlanRun {{date 2026-12-01, maxPages 2}} -> runId {value["runId"]}, date {value["date"]}, searches "
            + string.Join(", ", searches.Select(s => $"{s!["search"]!["domain"]}/{s["search"]!["kind"]} x{s["maxPages"]}")));

        // A plan that cannot run fails the invocation, with the activity's exception.
        var refused = await InvokeAsync(worker, functionId, """{"searches":[]}""", instanceId);
        Assert.Equal(StatusResult.Types.Status.Failure, refused.Result.Status);
        Assert.Contains("No searches to ingest", refused.Result.Exception.Message, StringComparison.Ordinal);
        // The message is the exception as JSON (type, message, stack trace): its first two are printed.
        var error = JsonNode.Parse(refused.Result.Exception.Message);
        output.WriteLine($"invoked: PlanRun {{searches []}} -> {refused.Result.Status}: {error?["errorType"]}: {error?["errorMessage"]}");
    }

    private static async Task<InvocationResponse> InvokeAsync(WorkerConnection worker, string functionId, string input, string instanceId)
    {
        var invocation = new InvocationRequest { InvocationId = Guid.NewGuid().ToString(), FunctionId = functionId, TraceContext = new RpcTraceContext() };
        invocation.InputData.Add(new ParameterBinding { Name = "input", Data = new TypedData { String = input } });
        invocation.TriggerMetadata.Add("instanceId", new TypedData { String = instanceId });
        invocation.TriggerMetadata.Add("data", new TypedData { Json = input });
        await worker.SendAsync(new StreamingMessage { InvocationRequest = invocation });
        return (await worker.ReceiveAsync(Content.InvocationResponse, m => m.InvocationResponse.InvocationId == invocation.InvocationId)).InvocationResponse;
    }

    /// <summary>
    /// The manual start through HTTP as the host serves it with the ASP.NET Core integration: a malformed body is
    /// answered 400 before the Durable client is used.
    /// </summary>
    private async Task InvokeStartRunAsync(StandInHost host, WorkerConnection worker, string functionId, IDictionary<string, string> capabilities)
    {
        var (status, contentType, body) = await InvokeHttpAsync(host, worker, functionId, capabilities, HttpMethod.Post, "api/runs", "{\"date\": ", durableClient: true);

        Assert.True(status == HttpStatusCode.BadRequest, $"StartRun answered {(int)status}: {body}");
        Assert.Equal("application/problem+json", contentType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Equal("The input does not fit the pipeline", problem["title"]!.GetValue<string>());
        output.WriteLine($"invoked: StartRun POST /api/runs with a malformed body -> {(int)status} {body}");
    }

    /// <summary>
    /// An insight endpoint, answered from the local stack's PostgreSQL by the code the self-host serves: the filters
    /// (every list present, empty or not, whatever the mart holds), and a price insight without its currency refused
    /// with the problem naming the parameter.
    /// </summary>
    private async Task InvokeInsightsAsync(StandInHost host, WorkerConnection worker, string functionId, IDictionary<string, string> capabilities)
    {
        // The worker's migrations (the mart's tables) run as hosted services next to its gRPC stream, so on a fresh
        // database the first invocations can come before them: asked again until the mart is there, for minutes.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(3);
        HttpStatusCode status;
        string body;
        while (true)
        {
            (status, _, body) = await InvokeHttpAsync(host, worker, functionId, capabilities, HttpMethod.Get, "api/insights/filters", null, durableClient: false, ("name", "filters"));
            if (status != HttpStatusCode.InternalServerError || DateTimeOffset.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        Assert.True(status == HttpStatusCode.OK, $"Insights filters answered {(int)status}: {body}");
        var filters = JsonNode.Parse(body)!.AsObject();
        Assert.NotEmpty(filters);
        output.WriteLine($"invoked: Insights GET /api/insights/filters -> {(int)status} with {string.Join(", ", filters.Select(p => p.Key))}");

        (status, _, body) = await InvokeHttpAsync(host, worker, functionId, capabilities, HttpMethod.Get, "api/insights/price-trend?domain=pt", null, durableClient: false, ("name", "price-trend"));
        Assert.True(status == HttpStatusCode.BadRequest, $"Insights price-trend without a currency answered {(int)status}: {body}");
        Assert.NotNull(JsonNode.Parse(body)!["errors"]!["currency"]);
        output.WriteLine($"invoked: Insights GET /api/insights/price-trend?domain=pt -> {(int)status} naming currency");
    }

    /// <summary>
    /// Readiness through the Durable client binding: PostgreSQL and the object store of the local stack answer; the
    /// engine's store is reached through the client's gRPC address, this stand-in, which serves no Durable client API,
    /// so readiness says exactly that check is down (503), and nothing of the cause.
    /// </summary>
    private async Task InvokeHealthReadyAsync(StandInHost host, WorkerConnection worker, string functionId, IDictionary<string, string> capabilities)
    {
        var (status, _, body) = await InvokeHttpAsync(host, worker, functionId, capabilities, HttpMethod.Get, "health/ready", null, durableClient: true);
        var checks = JsonNode.Parse(body)!["checks"]!.AsArray()
            .ToDictionary(c => c!["name"]!.GetValue<string>(), c => c!["status"]!.GetValue<string>());

        Assert.True(status == HttpStatusCode.ServiceUnavailable, $"HealthReady answered {(int)status}: {body}");
        Assert.Equal(new Dictionary<string, string> { ["postgresql"] = "Healthy", ["object-store"] = "Healthy", ["engine-store"] = "Unhealthy" }, checks);
        output.WriteLine($"invoked: HealthReady GET /health/ready -> {(int)status} {string.Join(", ", checks.Select(c => $"{c.Key} {c.Value}"))}");
    }

    /// <summary>
    /// A page and a static file as the Azure app serves them, anonymous: the run page's shell with its id encoded and
    /// the security headers, and the page modules' shared script, which carries a key from <c>?code=</c> to its fetches.
    /// </summary>
    private async Task InvokePagesAsync(StandInHost host, WorkerConnection worker, string pageId, string fileId, IDictionary<string, string> capabilities)
    {
        var (status, contentType, body) = await InvokeHttpAsync(host, worker, pageId, capabilities, HttpMethod.Get, "runs/a%3Cb", null, durableClient: false, ("id", "a<b"));
        Assert.True(status == HttpStatusCode.OK, $"RunPage answered {(int)status}: {body}");
        Assert.StartsWith("text/html", contentType);
        Assert.Contains("data-run-id=\"a&lt;b\"", body);
        Assert.Contains("<script type=\"module\" src=\"/js/run.js\"></script>", body);
        output.WriteLine($"invoked: RunPage GET /runs/a%3Cb -> {(int)status} {contentType}, {body.Length} chars, the id encoded");

        (status, contentType, body) = await InvokeHttpAsync(host, worker, fileId, capabilities, HttpMethod.Get, "js/common.js", null, durableClient: false, ("folder", "js"), ("file", "common.js"));
        Assert.True(status == HttpStatusCode.OK, $"StaticFile answered {(int)status}: {body}");
        Assert.StartsWith("text/javascript", contentType);
        Assert.Contains("x-functions-key", body);
        output.WriteLine($"invoked: StaticFile GET /js/common.js -> {(int)status} {contentType}, {body.Length} chars");
    }

    /// <summary>
    /// An HTTP function invoked as the host serves HTTP with the ASP.NET Core integration: the InvocationRequest over
    /// gRPC (route values in the trigger metadata), and the request itself proxied to the worker's own server (its
    /// HttpUri capability) with the invocation id in a header. The Durable client binding's payload points at this
    /// stand-in, which serves no Durable client API (see docs/azure.md).
    /// </summary>
    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> InvokeHttpAsync(
        StandInHost host, WorkerConnection worker, string functionId, IDictionary<string, string> capabilities,
        HttpMethod method, string path, string? content, bool durableClient, params (string Name, string Value)[] routeValues)
    {
        Assert.True(capabilities.TryGetValue("HttpUri", out var httpUri), "The worker announced no HttpUri: the ASP.NET Core integration is not on.");
        var invocation = new InvocationRequest { InvocationId = Guid.NewGuid().ToString(), FunctionId = functionId, TraceContext = new RpcTraceContext() };
        var url = new Uri(new Uri(httpUri), path);
        invocation.InputData.Add(new ParameterBinding { Name = "request", Data = new TypedData { Http = new RpcHttp { Method = method.Method, Url = url.AbsoluteUri } } });
        foreach (var (name, value) in routeValues)
        {
            invocation.TriggerMetadata.Add(name, new TypedData { String = value });
        }

        if (durableClient)
        {
            var client = new JsonObject
            {
                ["taskHubName"] = "vinted",
                ["connectionName"] = "Storage",
                ["rpcBaseUrl"] = host.Address.AbsoluteUri,
                ["requiredQueryStringParameters"] = "code=stand-in",
                ["baseUrl"] = "http://127.0.0.1/runtime/webhooks/durabletask",
            };
            invocation.InputData.Add(new ParameterBinding { Name = "client", Data = new TypedData { String = client.ToJsonString() } });
        }

        await worker.SendAsync(new StreamingMessage { InvocationRequest = invocation });

        using var http = new HttpClient { Timeout = WorkerConnection.Wait };
        using var request = new HttpRequestMessage(method, url);
        if (content is not null)
        {
            request.Content = new StringContent(content, Encoding.UTF8, "application/json");
        }

        request.Headers.Add(InvocationIdHeader, invocation.InvocationId);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var completed = (await worker.ReceiveAsync(Content.InvocationResponse, m => m.InvocationResponse.InvocationId == invocation.InvocationId)).InvocationResponse;
        if (response.StatusCode != HttpStatusCode.InternalServerError)
        {
            AssertSuccess(completed.Result, $"{method} {path}");
        }

        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, body);
    }

    /// <summary>The app settings the worker starts with: the local stack's (.local/stack.env), the process environment winning.</summary>
    private static Dictionary<string, string> AppSettings()
    {
        var file = Repository.Path(".local", "stack.env");
        var settings = File.Exists(file)
            ? File.ReadAllLines(file).Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
                .Select(l => l.Split('=', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim().Trim('\''))
            : [];
        foreach (var key in settings.Keys.ToList())
        {
            if (Environment.GetEnvironmentVariable(key) is { Length: > 0 } value)
            {
                settings[key] = value;
            }
        }

        if (Environment.GetEnvironmentVariable("ConnectionStrings__Warehouse") is { Length: > 0 } warehouse)
        {
            settings["ConnectionStrings__Warehouse"] = warehouse;
        }

        Assert.True(settings.ContainsKey("ConnectionStrings__Warehouse"), "No app settings: start the local stack (./vinted stack up) or source .local/stack.env.");
        return settings;
    }

    private static void AssertSuccess(StatusResult? result, string what) =>
        Assert.True(result?.Status == StatusResult.Types.Status.Success, $"{what}: {result?.Status} {result?.Exception?.Message}\n{result?.Exception?.StackTrace}");

    private static JsonNode ReturnJson(InvocationResponse response) =>
        JsonNode.Parse(response.ReturnValue.DataCase switch
        {
            TypedData.DataOneofCase.Json => response.ReturnValue.Json,
            TypedData.DataOneofCase.String => response.ReturnValue.String,
            _ => throw new InvalidOperationException($"PlanRun returned {response.ReturnValue}"),
        })!;

    private static FunctionShape Describe(RpcFunctionMetadata function) =>
        Shape(function.Name, function.EntryPoint, function.RawBindings.Select(b => JsonNode.Parse(b)!.AsObject()));

    private static FunctionShape Describe(JsonObject function) =>
        Shape(function["name"]!.GetValue<string>(), function["entryPoint"]!.GetValue<string>(), function["bindings"]!.AsArray().Select(b => b!.AsObject()));

    /// <summary>A function as both sides list it: name, entry point, trigger type and every binding's name, type and direction.</summary>
    private static FunctionShape Shape(string name, string entryPoint, IEnumerable<JsonObject> bindings)
    {
        var list = bindings
            .Select(b => (Name: b["name"]!.GetValue<string>(), Type: b["type"]!.GetValue<string>(), Direction: b["direction"]!.GetValue<string>()))
            .OrderBy(b => b.Name, StringComparer.Ordinal)
            .ToList();
        var trigger = list.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)).Type;
        return new FunctionShape(name, entryPoint, trigger, string.Join(", ", list.Select(b => $"{b.Name}:{b.Type}:{b.Direction.ToLowerInvariant()}")));
    }

    private sealed record FunctionShape(string Name, string EntryPoint, string Trigger, string Bindings);
}
