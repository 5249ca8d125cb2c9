using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vinted.Functions.HostTests.Infrastructure;

/// <summary>
/// A stand-in for the Azure Functions host's side of the language-worker protocol: a gRPC server of
/// <c>FunctionRpc.EventStream</c> (Kestrel, HTTP/2 cleartext, 127.0.0.1, a free port) that starts the published app as
/// its worker the way the host's RpcWorkerProcess does, from worker.config.json, and hands the test the stream the
/// worker opens. Disposing it stops the worker (WorkerTerminate, then a kill of its process tree) and the server.
/// </summary>
internal sealed class StandInHost : IAsyncDisposable
{
    /// <summary>What the host passes as the gRPC message limit (RpcWorkerConstants: int.MaxValue).</summary>
    private const int MaxMessageLength = int.MaxValue;

    private readonly TaskCompletionSource<WorkerConnection> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _workerOutput = new();
    private WebApplication? _server;
    private Process? _worker;

    /// <summary>The ids the host gives the worker on its command line; StartStream must name the worker id.</summary>
    public string WorkerId { get; } = Guid.NewGuid().ToString();

    public string RequestId { get; } = Guid.NewGuid().ToString();

    /// <summary>The server's address, as the host passes it (<c>--functions-uri</c>).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The command line the worker was started with, for the record.</summary>
    public string CommandLine { get; private set; } = "";

    /// <summary>The worker's stream, once it has connected.</summary>
    public WorkerConnection Connection => _connected.Task.IsCompletedSuccessfully ? _connected.Task.Result : throw new InvalidOperationException("The worker has not connected.");

    /// <summary>What the worker process wrote to stdout and stderr, and its RpcLog messages, for a failure's diagnosis.</summary>
    public string Diagnostics() =>
        "-- worker output:\n" + string.Join('\n', _workerOutput.TakeLast(100)) + "\n-- worker RpcLog:\n" +
        (_connected.Task.IsCompletedSuccessfully ? string.Join('\n', _connected.Task.Result.Logs.TakeLast(100)) : "(not connected)");

    /// <summary>Starts the server, then the worker of <paramref name="scriptRoot"/> with the app settings in its environment, and waits for its stream.</summary>
    public static async Task<StandInHost> StartAsync(string scriptRoot, IReadOnlyDictionary<string, string> appSettings)
    {
        var host = new StandInHost();
        try
        {
            await host.StartServerAsync();
            host.StartWorker(scriptRoot, appSettings);
            using var timeout = new CancellationTokenSource(WorkerConnection.Wait);
            var exited = host._worker!.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(host._connected.Task, exited) != host._connected.Task)
            {
                throw new InvalidOperationException(
                    $"The worker did not open the event stream ({(host._worker.HasExited ? $"exited with {host._worker.ExitCode}" : $"not within {WorkerConnection.Wait}")}).\n{host.Diagnostics()}");
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The worker's call: the first stream is the worker's; the call lasts until the worker closes it.</summary>
    public Task AcceptAsync(WorkerConnection connection, CancellationToken cancellationToken) =>
        _connected.TrySetResult(connection)
            ? connection.ReadAsync(cancellationToken)
            : throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, "The worker is already connected."));

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            // As the host shuts a worker down: WorkerTerminate with a grace period, then the process is killed.
            if (_connected.Task.IsCompletedSuccessfully && !_worker.HasExited)
            {
                try
                {
                    await Connection.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
                    using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                    await _worker.WaitForExitAsync(grace.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException or Grpc.Core.RpcException)
                {
                    // Killed below.
                }
            }

            if (!_worker.HasExited)
            {
                _worker.Kill(entireProcessTree: true);
                await _worker.WaitForExitAsync();
            }

            _worker.Dispose();
        }

        if (_server is not null)
        {
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }

    private async Task StartServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        // The host lifts gRPC's limits to the --grpcMaxMessageLength it passes.
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(this);
        _server = builder.Build();
        _server.MapGrpcService<FunctionRpcService>();
        await _server.StartAsync();
        Address = new Uri(_server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
    }

    /// <summary>
    /// The worker process as RpcWorkerProcess starts it: worker.config.json's executable and worker path, the host's
    /// arguments (RpcWorkerContext.GetFormattedArguments: the old names, then the <c>functions-</c> ones), the working
    /// directory the app's folder, and the host's environment (the app settings) with the runtime, script root and directories.
    /// </summary>
    private void StartWorker(string scriptRoot, IReadOnlyDictionary<string, string> appSettings)
    {
        var description = JsonNode.Parse(File.ReadAllText(Path.Combine(scriptRoot, "worker.config.json")))!["description"]!;
        var start = new ProcessStartInfo(description["defaultExecutablePath"]!.GetValue<string>())
        {
            WorkingDirectory = scriptRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(scriptRoot, description["defaultWorkerPath"]!.GetValue<string>()));
        string[] arguments =
        [
            "--host", Address.Host, "--port", Address.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", WorkerId, "--requestId", RequestId, "--grpcMaxMessageLength", MaxMessageLength.ToString(CultureInfo.InvariantCulture),
            "--functions-uri", Address.AbsoluteUri, "--functions-worker-id", WorkerId, "--functions-request-id", RequestId,
            "--functions-grpc-max-message-length", MaxMessageLength.ToString(CultureInfo.InvariantCulture),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in appSettings)
        {
            start.Environment[key] = value;
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = description["language"]!.GetValue<string>();
        start.Environment["AzureWebJobsScriptRoot"] = scriptRoot;
        // RpcWorkerProcess adds these two; the worker refuses to load a function without the application directory.
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = scriptRoot;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = scriptRoot;
        CommandLine = $"{start.FileName} {string.Join(' ', start.ArgumentList)}";

        _worker = new Process { StartInfo = start };
        _worker.OutputDataReceived += (_, line) => Keep(line.Data);
        _worker.ErrorDataReceived += (_, line) => Keep(line.Data);
        if (!_worker.Start())
        {
            throw new InvalidOperationException($"{CommandLine} did not start.");
        }

        _worker.BeginOutputReadLine();
        _worker.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _workerOutput.Enqueue(line);
        while (_workerOutput.Count > 1000 && _workerOutput.TryDequeue(out _))
        {
        }
    }
}

/// <summary>The host's <c>FunctionRpc</c> service: the worker's event stream is handed to the <see cref="StandInHost"/>.</summary>
internal sealed class FunctionRpcService(StandInHost host) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        host.AcceptAsync(new WorkerConnection(requestStream, responseStream), context.CancellationToken);
}
