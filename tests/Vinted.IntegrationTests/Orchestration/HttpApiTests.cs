using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Functions.Hosting;
using Vinted.IntegrationTests.Infrastructure;

namespace Vinted.IntegrationTests.Orchestration;

/// <summary>The Durable-Functions-shaped HTTP surface of the function app, over real HTTP.</summary>
public sealed class HttpApiTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private LocalStack _stack = LocalStack.Instance;

    public async Task InitializeAsync()
    {
        var connectionString = await _stack.CreateDatabaseAsync(nameof(HttpApiTests));
        _app = FunctionApp.Build(
            [
                $"--ConnectionStrings:Warehouse={connectionString}",
                $"--Functions:Keys:Default={_stack.DefaultKey}",
                $"--Functions:Keys:Admin={_stack.AdminKey}",
                "--Http:Urls=http://127.0.0.1:0",
                "--Orchestration:QueuePollInterval=00:00:00.100",
                "--Schedule:Enabled=false",
            ],
            (builder, orchestration) =>
            {
                builder.Services.AddSingleton<Effects>();
                TestFunctions.Register(orchestration);
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
    [InlineData("GET", "/runtime/webhooks/durabletask/instances", null)]
    [InlineData("GET", "/runtime/webhooks/durabletask/instances/x", "wrong-key-wrong-key")]
    [InlineData("POST", "/api/orchestrators/Chain", null)]
    [InlineData("GET", "/dashboard", null)]
    public async Task AnyEndpoint_NoOrWrongKey_Is401(string method, string path, string? key)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Start_WithDefaultKey_Returns202WithManagementLinksThenStatusGoesFrom202To200()
    {
        using var start = await Send(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, """{"start":5,"steps":2}""");

        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var body = await start.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var statusUri = body.GetProperty("statusQueryGetUri").GetString()!;
        Assert.Equal(statusUri, start.Headers.Location!.ToString());
        Assert.EndsWith($"/runtime/webhooks/durabletask/instances/{id}", statusUri, StringComparison.Ordinal);
        Assert.StartsWith($"{statusUri}/terminate", body.GetProperty("terminatePostUri").GetString(), StringComparison.Ordinal);
        Assert.StartsWith($"{statusUri}/rewind", body.GetProperty("rewindPostUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(statusUri, body.GetProperty("purgeHistoryDeleteUri").GetString());

        HttpStatusCode code;
        JsonElement status;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            using var poll = await Send(HttpMethod.Get, statusUri, _stack.DefaultKey);
            code = poll.StatusCode;
            status = await poll.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(code, new[] { HttpStatusCode.Accepted, HttpStatusCode.OK });
            await Task.Delay(100);
        }
        while (code == HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("Completed", status.GetProperty("runtimeStatus").GetString());
        Assert.Equal(7, status.GetProperty("output").GetInt32());
        Assert.Equal(5, status.GetProperty("input").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task Start_KeyInCodeQuery_IsAccepted()
    {
        using var response = await Send(HttpMethod.Post, $"/api/orchestrators/Chain?code={_stack.DefaultKey}", null, """{"start":1,"steps":1}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Start_InvalidJsonBody_Is400Problem()
    {
        using var response = await Send(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Start_UnknownOrchestratorOrBadInstanceId_AreRefused()
    {
        using var unknown = await Send(HttpMethod.Post, "/api/orchestrators/NoSuch", _stack.DefaultKey, "{}");
        using var badId = await Send(HttpMethod.Post, "/api/orchestrators/Chain/bad%20id!", _stack.DefaultKey, """{"start":1,"steps":1}""");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
    }

    [Fact]
    public async Task Status_UnknownInstance_Is404()
    {
        using var response = await Send(HttpMethod.Get, "/runtime/webhooks/durabletask/instances/never-started", _stack.DefaultKey);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task TerminateAndPurge_DefaultKey_Is403AndAdminKeyWorks()
    {
        using var start = await Send(HttpMethod.Post, "/api/orchestrators/SlowChain", _stack.DefaultKey, "500");
        var id = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var refused = await Send(HttpMethod.Post, $"/runtime/webhooks/durabletask/instances/{id}/terminate?reason=test", _stack.DefaultKey);
        using var terminated = await Send(HttpMethod.Post, $"/runtime/webhooks/durabletask/instances/{id}/terminate?reason=test", _stack.AdminKey);
        using var again = await Send(HttpMethod.Post, $"/runtime/webhooks/durabletask/instances/{id}/terminate", _stack.AdminKey);
        using var purged = await Send(HttpMethod.Delete, $"/runtime/webhooks/durabletask/instances/{id}", _stack.AdminKey);
        using var gone = await Send(HttpMethod.Get, $"/runtime/webhooks/durabletask/instances/{id}", _stack.DefaultKey);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(1, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instancesDeleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task List_BadStatusFilter_Is400AndPagingUsesContinuationHeader()
    {
        using var bad = await Send(HttpMethod.Get, "/runtime/webhooks/durabletask/instances?runtimeStatus=Sleeping", _stack.DefaultKey);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

        for (var i = 0; i < 3; i++)
        {
            using var _ = await Send(HttpMethod.Post, "/api/orchestrators/Chain", _stack.DefaultKey, """{"start":1,"steps":1}""");
        }

        using var first = await Send(HttpMethod.Get, "/runtime/webhooks/durabletask/instances?top=2", _stack.DefaultKey);
        var token = first.Headers.GetValues("x-ms-continuation-token").Single();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/runtime/webhooks/durabletask/instances?top=2");
        request.Headers.Add("x-functions-key", _stack.DefaultKey);
        request.Headers.Add("x-ms-continuation-token", token);
        using var second = await _http.SendAsync(request);

        var firstIds = (await first.Content.ReadFromJsonAsync<JsonElement[]>())!.Select(e => e.GetProperty("instanceId").GetString());
        var secondIds = (await second.Content.ReadFromJsonAsync<JsonElement[]>())!.Select(e => e.GetProperty("instanceId").GetString());
        Assert.Equal(2, firstIds.Count());
        Assert.NotEmpty(secondIds);
        Assert.Empty(firstIds.Intersect(secondIds));
    }

    [Fact]
    public async Task Dashboard_DefaultKeyIsReadOnly_AdminKeyIsNot()
    {
        using var page = await Send(HttpMethod.Get, $"/dashboard/jobs/succeeded?code={_stack.DefaultKey}", null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // A dashboard command (trigger recurring jobs): refused on a read-only dashboard, done with the admin key.
        using var readOnly = await Command(_stack.DefaultKey);
        using var admin = await Command(_stack.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, readOnly.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);

        Task<HttpResponseMessage> Command(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/dashboard/recurring/trigger?code={key}")
            {
                Content = new FormUrlEncodedContent([new("jobs[]", "none")]),
            };
            request.Headers.Add("X-Requested-With", "XMLHttpRequest");
            return _http.SendAsync(request);
        }
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string uri, string? key, string? json = null)
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
