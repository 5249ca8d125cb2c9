using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.WebJobs.Script.Grpc.Messages;

namespace Vinted.Functions.HostTests.Infrastructure;

/// <summary>
/// The worker's end of <c>FunctionRpc.EventStream</c>, as the host's channel sees it: what the worker sends is queued
/// here (its logs aside), and the test sends requests and waits for the answer it expects.
/// </summary>
internal sealed class WorkerConnection(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses)
{
    /// <summary>Generous: the worker starts and JIT-compiles on a loaded two-core machine; a hung worker still fails the test.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromMinutes(3);

    private readonly Channel<StreamingMessage> _inbox = Channel.CreateUnbounded<StreamingMessage>();
    private readonly SemaphoreSlim _writing = new(1, 1);

    /// <summary>The worker's <c>RpcLog</c> messages (category and message), kept for a failure's diagnosis.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>Reads the worker's messages until it closes the stream or the call ends.</summary>
    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in requests.ReadAllAsync(cancellationToken))
            {
                if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
                {
                    Logs.Enqueue($"{message.RpcLog.Level} {message.RpcLog.Category}: {message.RpcLog.Message} {message.RpcLog.Exception?.Message}");
                    continue;
                }

                await _inbox.Writer.WriteAsync(message, cancellationToken);
            }

            _inbox.Writer.TryComplete(new InvalidOperationException("The worker closed the event stream."));
        }
        catch (Exception e)
        {
            _inbox.Writer.TryComplete(e);
        }
    }

    public async Task SendAsync(StreamingMessage message)
    {
        await _writing.WaitAsync();
        try
        {
            await responses.WriteAsync(message);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// The worker's next message (its logs aside), which must be of <paramref name="content"/> and accepted by
    /// <paramref name="match"/>: the test waits for one answer at a time, so anything else is a protocol failure.
    /// </summary>
    public async Task<StreamingMessage> ReceiveAsync(StreamingMessage.ContentOneofCase content, Func<StreamingMessage, bool>? match = null)
    {
        using var timeout = new CancellationTokenSource(Wait);
        try
        {
            var message = await _inbox.Reader.ReadAsync(timeout.Token);
            return message.ContentCase == content && (match is null || match(message))
                ? message
                : throw new InvalidOperationException($"Expected {content} from the worker, got {message}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No {content} from the worker within {Wait}.");
        }
    }
}
