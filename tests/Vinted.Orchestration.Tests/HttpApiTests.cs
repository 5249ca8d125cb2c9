using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vinted.SelfHost.Hosting;
using Vinted.Orchestration.Http;
using Vinted.Orchestration.Tests.Infrastructure;

namespace Vinted.Orchestration.Tests;

/// <summary>The Durable-Functions-shaped HTTP surface of the function app (in-process, own hub), over real HTTP.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private const string Instances = "/runtime/webhooks/durabletask/instances";
    private readonly LocalStack _stack = LocalStack.Instance;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await _stack.CreateDatabaseAsync(nameof(HttpApiTests));
        string[] args =
        [
            .. _stack.Settings.Select(s => $"--{s.Key.Replace("__", ":", StringComparison.Ordinal)}={s.Value}"),
            $"--ConnectionStrings:Warehouse={connectionString}",
            $"--DurableTask:HubName={LocalStack.NewHubName()}",
            "--DurableTask:MaxQueuePollingInterval=00:00:00.500",
            "--Http:Urls=http://127.0.0.1:0",
            "--Schedule:Enabled=false",
        ];
        _app = FunctionApp.Build(args, (builder, engine) =>
        {
            builder.Services.AddSingleton<Effects>();
            engine.AddOrchestrator<Chain>().AddOrchestrator<SlowChain>().AddActivity<AddOne>().AddActivity<Slow>()
                .AllowHttpStart<Chain>().AllowHttpStart<SlowChain>();
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("GET", Instances, null)]
    [InlineData("GET", $"{Instances}/x", "wrong-key-wrong-key")]
    [InlineData("POST", "/api/orchestrators/Chain", null)]
    [InlineData("DELETE", $"{Instances}/x", null)]
    public async Task AnyEndpoint_NoOrWrongKey_Is401(string method, string path, string? key)
    {
        using var response = await SendAsync(new HttpMethod(method), path, key);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_WithDefaultKey_Returns202WithLinksThenStatusGoesFrom202To200()
    {
        using var start = await SendAsync(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, """{"start":5,"steps":2}""");

        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var body = await start.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var statusUri = body.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(statusUri, start.Headers.Location!.ToString());
        Assert.EndsWith($"{Instances}/{id}", statusUri, StringComparison.Ordinal);
        Assert.StartsWith($"{statusUri}/terminate", body.GetProperty("terminatePostUri").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"{statusUri}/rewind", body.GetProperty("rewindPostUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(statusUri, body.GetProperty("purgeHistoryDeleteUri").GetString());

        var codes = new List<HttpStatusCode>();
        JsonElement status = default;
        await Eventually.WaitForAsync(
            async () =>
            {
                using var poll = await SendAsync(HttpMethod.Get, statusUri, _stack.DefaultKey);
                codes.Add(poll.StatusCode);
                status = await poll.Content.ReadFromJsonAsync<JsonElement>();
                return poll.StatusCode != HttpStatusCode.Accepted;
            },
            TimeSpan.FromSeconds(60));

        Assert.All(codes.SkipLast(1), c => Assert.Equal(HttpStatusCode.Accepted, c));
        Assert.Equal(HttpStatusCode.OK, codes[^1]);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(7, status.GetProperty("output").GetInt32());
        Assert.Equal(5, status.GetProperty("input").GetProperty("start").GetInt32());
        Assert.Equal(2, status.GetProperty("customStatus").GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task Start_KeyInCodeQuery_IsAccepted()
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/orchestrators/Chain?code={_stack.DefaultKey}", null, """{"start":1,"steps":1}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("\"a string, not a ChainInput\"")]
    public async Task Start_InvalidOrUnfitJson_Is400Problem(string body)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task UnknownOrchestratorOrInstance_Is404()
    {
        using var orchestrator = await SendAsync(HttpMethod.Post, "/api/orchestrators/NoSuch", _stack.DefaultKey, "{}");
        using var instance = await SendAsync(HttpMethod.Get, $"{Instances}/never-started", _stack.DefaultKey);

        Assert.Equal(HttpStatusCode.NotFound, orchestrator.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, instance.StatusCode);
    }

    [Fact]
    public async Task Start_ActiveInstanceId_Is409EvenWhenStartsRace()
    {
        var path = $"/api/orchestrators/SlowChain/fixed-{Guid.NewGuid():N}";
        var racing = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => SendAsync(HttpMethod.Post, path, _stack.DefaultKey, "500")));
        using var later = await SendAsync(HttpMethod.Post, path, _stack.DefaultKey, "500");

        var accepted = Assert.Single(racing, r => r.StatusCode == HttpStatusCode.Accepted);
        Assert.All(racing.Where(r => r != accepted), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(HttpStatusCode.Conflict, later.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        foreach (var response in racing)
        {
            response.Dispose();
        }

        using var _ = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/terminate", _stack.AdminKey);
    }

    [Fact]
    public async Task TerminateAndPurge_DefaultKeyIs403_AdminKeyWorks()
    {
        using var start = await SendAsync(HttpMethod.Post, "/api/orchestrators/SlowChain", _stack.DefaultKey, "1000");
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var refused = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/terminate?reason=test", _stack.DefaultKey);
        using var purgeRunning = await SendAsync(HttpMethod.Delete, $"{Instances}/{id}", _stack.AdminKey);
        using var terminated = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/terminate?reason=test", _stack.AdminKey);
        await Eventually.WaitForAsync(
            async () =>
            {
                using var poll = await SendAsync(HttpMethod.Get, $"{Instances}/{id}", _stack.DefaultKey);
                return (await poll.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runtimeStatus").GetString() == "Terminated";
            },
            TimeSpan.FromSeconds(60));
        using var again = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/terminate", _stack.AdminKey);
        using var purgeRefused = await SendAsync(HttpMethod.Delete, $"{Instances}/{id}", _stack.DefaultKey);
        using var purged = await SendAsync(HttpMethod.Delete, $"{Instances}/{id}", _stack.AdminKey);
        using var gone = await SendAsync(HttpMethod.Get, $"{Instances}/{id}", _stack.DefaultKey);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, purgeRunning.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, purgeRefused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Restart_ActiveIs409_DefaultKeyIs403_FinishedIsStartedAgainUnderItsId()
    {
        using var start = await SendAsync(HttpMethod.Post, "/api/orchestrators/SlowChain", _stack.DefaultKey, "500");
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var whileActive = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/restart", _stack.AdminKey);
        using var withDefaultKey = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/restart", _stack.DefaultKey);
        await WaitForStatusAsync(id!, "Completed");
        var first = await StatusAsync(id!);

        using var restarted = await SendAsync(HttpMethod.Post, $"{Instances}/{id}/restart", _stack.AdminKey);
        await Eventually.WaitForAsync(
            async () => (await StatusAsync(id!)) is var s && s.GetProperty("runtimeStatus").GetString() == "Completed"
                && s.GetProperty("lastUpdatedTime").GetDateTimeOffset() > first.GetProperty("lastUpdatedTime").GetDateTimeOffset(),
            TimeSpan.FromSeconds(60));
        using var unknown = await SendAsync(HttpMethod.Post, $"{Instances}/no-such-instance/restart", _stack.AdminKey);

        Assert.Equal(HttpStatusCode.Conflict, whileActive.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withDefaultKey.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, restarted.StatusCode);
        Assert.Equal(id, (await restarted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    private async Task<JsonElement> StatusAsync(string id)
    {
        using var poll = await SendAsync(HttpMethod.Get, $"{Instances}/{id}", _stack.DefaultKey);
        return await poll.Content.ReadFromJsonAsync<JsonElement>();
    }

    private Task WaitForStatusAsync(string id, string status) =>
        Eventually.WaitForAsync(async () => (await StatusAsync(id)).GetProperty("runtimeStatus").GetString() == status, TimeSpan.FromSeconds(60));

    [Fact]
    public async Task List_BadStatusIs400_PagingFollowsContinuationHeader()
    {
        using var bad = await SendAsync(HttpMethod.Get, $"{Instances}?runtimeStatus=Sleeping", _stack.DefaultKey);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        for (var i = 0; i < 3; i++)
        {
            using var _ = await SendAsync(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, """{"start":1,"steps":1}""");
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Instances}?top=2");
            request.Headers.Add("x-functions-key", _stack.DefaultKey);
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var page = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var ids = (await page.Content.ReadFromJsonAsync<JsonElement[]>())!.Select(e => e.GetProperty("instanceId").GetString()!).ToList();
            Assert.InRange(ids.Count, 0, 2);
            seen.AddRange(ids);
            token = page.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.Single() : null;
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Null(token);
        Assert.True(pages >= 2, $"{seen.Count} instances came in {pages} page(s) of 2");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.True(seen.Count >= 3, $"only {seen.Count} instances listed");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string uri, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }
}
