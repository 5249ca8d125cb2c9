using System.Net;
using System.Reflection;
using System.Text;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vinted.Testing;
using Vinted.Simulator;
using Xunit.Abstractions;

namespace Vinted.SelfHost.Tests;

/// <summary>
/// The whole HTTP surface of the function app, every route the host maps (read from its endpoint data source, so a
/// new route is fuzzed without editing this test), with malformed ids, parameters, bodies, keys, cookies and origins.
/// No answer may be a 5xx, and nothing may be stored: no orchestration instance, no raw-zone object.
/// </summary>
public sealed class HttpSurfaceFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Wrong = "wrong-key-wrong-key-wrong";
    private static readonly LocalStack Stack = LocalStack.Instance;

    /// <summary>Route values, already escaped for a path: well-formed but unknown, empty, long, control, traversal, script, SQL, bad UTF-8, bidi.</summary>
    private static readonly string[] RouteValues =
    [
        "never-started", "x", new string('a', 300), "%00", "..%2F..%2Fetc%2Fpasswd", "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%27%20or%201%3D1--", "%FF%FE", "%E2%80%AE", "a%23b", "a%3Fb", "-1", "99999999999999999999999", "%20",
    ];

    /// <summary>Query values: numbers out of range, dates that are not, lists that do not parse, very long text.</summary>
    private static readonly string[] QueryValues =
    [
        "", "-1", "0", "99999999999999999999", "abc", "2026-13-45", "1e309", "%00", new string('x', 4000), "Running,,Bogus", "1,2",
        "..%2F..%2F", "true%00", "NaN", "9999-12-31T23:59:59.9999999%2B14:00", "0001-01-01",
    ];

    /// <summary>Query names the handlers read, plus ones none reads; the handlers' own names are added from their signatures.</summary>
    private static readonly string[] ExtraQueryNames = ["code", "reason", "continuationToken", "sim_date", "unknown"];

    /// <summary>Start bodies that must all be refused: broken JSON, wrong shapes, out-of-bound inputs, too large, too deep.</summary>
    private static readonly (string Name, string ContentType, byte[] Body)[] Bodies =
    [
        ("broken", "application/json", "{"u8.ToArray()),
        ("array", "application/json", "[]"u8.ToArray()),
        ("string", "application/json", "\"a string\""u8.ToArray()),
        ("number", "application/json", "1e999"u8.ToArray()),
        ("per-page-500", "application/json", """{"searches":[{"search":{"domain":"pt","perPage":500}}]}"""u8.ToArray()),
        ("max-pages-50M", "application/json", """{"maxPages":50000000}"""u8.ToArray()),
        ("probe-50M", "application/json", """{"count":50000000}"""u8.ToArray()),
        ("1000-searches", "application/json", Encoding.UTF8.GetBytes("{\"searches\":[" + string.Join(",", Enumerable.Repeat("""{"search":{"domain":"pt"}}""", 1000)) + "]}")),
        ("bad-date", "application/json", """{"date":"2026-99-99"}"""u8.ToArray()),
        ("bad-domain", "application/json", """{"searches":[{"search":{"domain":"../../x"}}]}"""u8.ToArray()),
        ("deep", "application/json", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000))),
        ("too-large", "application/json", Encoding.UTF8.GetBytes("{\"trigger\":\"" + new string('x', 200_000) + "\"}")),
        ("bad-utf8", "application/json", [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        ("text-plain", "text/plain", "not json at all"u8.ToArray()),
    ];

    /// <summary>Continuation tokens the list endpoint must refuse or ignore: garbage, overflowing, huge, control characters.</summary>
    private static readonly string[] Tokens =
    [
        "garbage", "eyJ0b3AiOjk5OTk5OTk5OTk5OTk5OTk5OTk5OX0=", "{\"NextPartitionKey\":\"1\",\"NextRowKey\":null}", new string('A', 5000),
        "99999999999999999999999999999999", "%00%01", "null",
    ];

    private readonly Dictionary<int, int> _byStatus = [];
    private readonly List<string> _serverErrors = [];
    private readonly List<string> _stateChanges = [];
    private PipelineHost _host = null!;
    private HttpClient _http = null!;
    private int _tried;

    public async Task InitializeAsync()
    {
        _host = await PipelineHost.StartAsync(nameof(HttpSurfaceFuzzTests), new SimulatorOptions { Listings = 1_000 });
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task EveryRoute_MalformedRequests_NeverAnswer5xxAndStoreNothing()
    {
        var routes = Routes();
        Assert.Contains(routes, r => r.Pattern == "/api/orchestrators/{name}/{instanceId?}");
        Assert.Contains(routes, r => r.Pattern.StartsWith("/api/insights", StringComparison.Ordinal));

        foreach (var route in routes)
        {
            foreach (var method in route.Methods)
            {
                await FuzzRouteAsync(route, method);
            }
        }

        // Methods a route does not map, and paths no route maps.
        foreach (var route in routes)
        {
            (await SendAsync(HttpMethod.Put, Fill(route.Pattern, "x"), Auth.Admin)).Dispose();
        }

        foreach (var path in new[] { "/api/orchestrators", "/runtime/webhooks/durabletask", "/api/monitoring/runs/x/y", "/%00", "/../../etc/passwd", "/" + new string('a', 6000) })
        {
            (await SendAsync(HttpMethod.Get, path, Auth.Admin)).Dispose();
        }

        var instances = new List<string>();
        await foreach (var instance in _host.Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            instances.Add($"{instance.Name} {instance.InstanceId}");
        }

        using var s3 = Stack.CreateS3Client();
        var objects = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Stack.Bucket, Prefix = _host.S3Prefix + "/" });
        var objectCount = objects.S3Objects?.Count ?? 0;

        output.WriteLine($"fuzz: {_tried} requests over {routes.Count} routes ({routes.Sum(r => r.Methods.Count)} route-methods)");
        output.WriteLine("answers by status: " + string.Join(", ", _byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}")));
        output.WriteLine($"5xx: {_serverErrors.Count}; state-changing requests accepted: {_stateChanges.Count}; instances stored: {instances.Count}; raw-zone objects stored: {objectCount}");
        Assert.True(_serverErrors.Count == 0, "5xx answers:\n" + string.Join("\n", _serverErrors.Take(20)));
        Assert.True(_stateChanges.Count == 0, "accepted:\n" + string.Join("\n", _stateChanges.Take(20)));
        Assert.Empty(instances);
        Assert.Equal(0, objectCount);
        Assert.True(_tried > 1000, $"only {_tried} requests");
    }

    [Theory]
    [InlineData("FanOutProbe", """{"count":50000000}""")] // the diagnostics are off unless Diagnostics:Enabled
    [InlineData("SearchIngestion", "{}")] // a sub-orchestration is no entry point
    [InlineData("SkippedSlot", "{}")]
    public async Task Start_OrchestratorNotListed_Is404EvenWithTheAdminKey(string name, string body)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/orchestrators/{name}", Auth.Admin, ("json", "application/json", Encoding.UTF8.GetBytes(body)));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(Auth.CookieNoOrigin)]
    [InlineData(Auth.CookieOtherPort)]
    [InlineData(Auth.CookieOtherSite)]
    [InlineData(Auth.CookieSameSiteFetch)]
    public async Task StateChange_KeyOnlyInCookieFromAnotherOrigin_Is403AndStartsNothing(Auth auth)
    {
        using var start = await SendAsync(HttpMethod.Post, "/api/orchestrators/DailyPipeline", auth, ("json", "application/json", """{"maxPages":1,"searches":[]}"""u8.ToArray()));
        using var terminate = await SendAsync(HttpMethod.Post, "/runtime/webhooks/durabletask/instances/x/terminate", auth);

        Assert.Equal(HttpStatusCode.Forbidden, start.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, terminate.StatusCode);
        await foreach (var instance in _host.Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            Assert.Fail($"{instance.Name} {instance.InstanceId} was started");
        }
    }

    [Fact]
    public async Task StateChange_KeyInCookieFromTheSameOrigin_IsAllowed()
    {
        using var sameOrigin = await SendAsync(HttpMethod.Post, "/runtime/webhooks/durabletask/instances/x/terminate", Auth.CookieSameOrigin);
        using var fetchSameOrigin = await SendAsync(HttpMethod.Post, "/runtime/webhooks/durabletask/instances/x/terminate", Auth.CookieSameOriginFetch);
        using var read = await SendAsync(HttpMethod.Get, "/api/monitoring/runs", Auth.CookieOtherSite); // reading changes nothing

        Assert.Equal(HttpStatusCode.NotFound, sameOrigin.StatusCode); // past the key check: there is no instance x
        Assert.Equal(HttpStatusCode.NotFound, fetchSameOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    /// <summary>How a request presents a key.</summary>
    public enum Auth
    {
        None,
        WrongHeader,
        LongHeader,
        DefaultHeader,
        AdminHeader,
        AdminQuery,
        CookieNoOrigin,
        CookieOtherPort,
        CookieOtherSite,
        CookieSameSiteFetch,
        CookieSameOrigin,
        CookieSameOriginFetch,
        Admin = AdminHeader,
    }

    private async Task FuzzRouteAsync(FuzzRoute route, string method)
    {
        var http = new HttpMethod(method);
        var auths = Enum.GetValues<Auth>().Distinct().ToArray();
        var isStart = route.Pattern.StartsWith("/api/orchestrators", StringComparison.Ordinal);

        // Every malformed route value under every way of presenting a key. A start always carries a refused body, so
        // that a well-formed name and id with a valid key cannot start anything.
        foreach (var value in RouteValues)
        {
            foreach (var auth in auths)
            {
                (await SendAsync(http, Fill(route.Pattern, value), auth, isStart ? Bodies[0] : null)).Dispose();
            }
        }

        // Every query parameter the handler reads (and some it does not) with every malformed value, with a valid key.
        foreach (var name in route.QueryNames.Concat(ExtraQueryNames).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            foreach (var value in QueryValues)
            {
                foreach (var auth in new[] { Auth.DefaultHeader, Auth.AdminHeader })
                {
                    (await SendAsync(http, $"{Fill(route.Pattern, isStart ? "DailyPipeline" : "x")}?{name}={value}", auth, isStart ? Bodies[0] : null)).Dispose();
                }
            }
        }

        // Bodies on every route that takes a method with one, the listed orchestrator included.
        if (method is "POST" or "DELETE")
        {
            foreach (var body in Bodies)
            {
                foreach (var auth in new[] { Auth.DefaultHeader, Auth.AdminHeader, Auth.CookieSameOrigin, Auth.CookieOtherSite })
                {
                    (await SendAsync(http, Fill(route.Pattern, isStart ? "DailyPipeline" : "x"), auth, body)).Dispose();
                }
            }
        }

        if (route.Pattern == "/runtime/webhooks/durabletask/instances/" || route.Pattern == "/runtime/webhooks/durabletask/instances")
        {
            foreach (var token in Tokens)
            {
                (await SendAsync(http, route.Pattern, Auth.AdminHeader, null, token)).Dispose();
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, Auth auth, (string Name, string ContentType, byte[] Body)? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        var origin = $"{_host.BaseAddress.Scheme}://{_host.BaseAddress.Authority}";
        var headers = request.Headers;
        switch (auth)
        {
            case Auth.WrongHeader:
                headers.TryAddWithoutValidation("x-functions-key", Wrong);
                break;
            case Auth.LongHeader:
                headers.TryAddWithoutValidation("x-functions-key", new string('k', 6000));
                break;
            case Auth.DefaultHeader:
                headers.TryAddWithoutValidation("x-functions-key", Stack.DefaultKey);
                break;
            case Auth.AdminHeader:
                headers.TryAddWithoutValidation("x-functions-key", Stack.AdminKey);
                break;
            case Auth.AdminQuery:
                request.RequestUri = new Uri(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "code=" + Uri.EscapeDataString(Stack.AdminKey), UriKind.Relative);
                break;
            case Auth.None:
                break;
            default:
                headers.TryAddWithoutValidation("Cookie", $"vinted-functions-key={Stack.AdminKey}");
                switch (auth)
                {
                    case Auth.CookieOtherPort:
                        headers.TryAddWithoutValidation("Origin", $"{_host.BaseAddress.Scheme}://127.0.0.1:1");
                        headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-site");
                        break;
                    case Auth.CookieOtherSite:
                        headers.TryAddWithoutValidation("Origin", "https://evil.example");
                        headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
                        break;
                    case Auth.CookieSameSiteFetch:
                        headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-site");
                        break;
                    case Auth.CookieSameOrigin:
                        headers.TryAddWithoutValidation("Origin", origin);
                        break;
                    case Auth.CookieSameOriginFetch:
                        headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
                        break;
                }

                break;
        }

        if (token is not null)
        {
            headers.TryAddWithoutValidation("x-ms-continuation-token", token);
        }

        if (body is { } b)
        {
            request.Content = new ByteArrayContent(b.Body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", b.ContentType);
        }

        var response = await _http.SendAsync(request);
        _tried++;
        var status = (int)response.StatusCode;
        _byStatus[status] = _byStatus.GetValueOrDefault(status) + 1;
        if (status is >= 200 and < 300 && method != HttpMethod.Get)
        {
            _stateChanges.Add($"{status} {method} {Shorten(path)} [{auth}{(body is { } changed ? ", body " + changed.Name : "")}]");
        }

        if (status >= 500)
        {
            var text = await response.Content.ReadAsStringAsync();
            _serverErrors.Add($"{status} {method} {Shorten(path)} [{auth}{(body is { } named ? ", body " + named.Name : "")}{(token is null ? "" : ", token " + Shorten(token))}]: {Shorten(text)}");
        }

        return response;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "...";

    /// <summary>The pattern with every parameter set to <paramref name="value"/> (already escaped); optional ones included.</summary>
    private static string Fill(string pattern, string value)
    {
        var parsed = RoutePatternFactory.Parse(pattern);
        var path = new StringBuilder();
        foreach (var segment in parsed.PathSegments)
        {
            path.Append('/');
            foreach (var part in segment.Parts)
            {
                path.Append(part switch
                {
                    RoutePatternLiteralPart literal => literal.Content,
                    RoutePatternParameterPart => value,
                    RoutePatternSeparatorPart separator => separator.Content,
                    _ => "",
                });
            }
        }

        return path.Length == 0 ? "/" : path.ToString();
    }

    private List<FuzzRoute> Routes()
    {
        var source = _host.Services.GetRequiredService<EndpointDataSource>();
        return source.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .Select(e => new FuzzRoute(
                "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'),
                e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.ToList(),
                QueryNamesOf(e)))
            .GroupBy(r => r.Pattern)
            .Select(g => new FuzzRoute(g.Key, g.SelectMany(r => r.Methods).Distinct().ToList(), g.SelectMany(r => r.QueryNames).Distinct().ToList()))
            .ToList();
    }

    /// <summary>The handler's simple parameters that are not route values: the query names it binds (<c>[AsParameters]</c> expanded).</summary>
    private static List<string> QueryNamesOf(RouteEndpoint endpoint)
    {
        if (endpoint.Metadata.GetMetadata<MethodInfo>() is not { } handler)
        {
            return [];
        }

        var routeNames = endpoint.RoutePattern.Parameters.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (var parameter in handler.GetParameters())
        {
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is not null)
            {
                names.AddRange(parameter.ParameterType.GetProperties().Where(p => IsSimple(p.PropertyType)).Select(p => Camel(p.Name)));
            }
            else if (parameter.Name is { } name && IsSimple(parameter.ParameterType) && !routeNames.Contains(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static bool IsSimple(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(DateTimeOffset) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(decimal);
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private sealed record FuzzRoute(string Pattern, List<string> Methods, List<string> QueryNames);
}
