using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vinted.Testing;

/// <summary>The protocol a <see cref="ForwardProxy"/> speaks to its clients.</summary>
public enum ProxyProtocol
{
    /// <summary>An HTTP forward proxy: absolute-form requests (answered with <c>Connection: close</c>) and CONNECT tunnels; Basic auth with a 407 challenge.</summary>
    Http,

    /// <summary>SOCKS5 (RFC 1928) CONNECT, with username/password auth (RFC 1929) when credentials are set.</summary>
    Socks5,
}

/// <summary>
/// A real forward proxy on 127.0.0.1 for tests and benchmarks. It opens its outbound connections from its own source
/// address (127.0.0.x: Linux routes the whole loopback /8), so the server behind it sees each proxy as a different
/// client address, as Vinted sees different proxy exits, and can block one of them.
/// </summary>
public sealed class ForwardProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly string? _username;
    private readonly string? _password;
    private long _forwarded;
    private long _refused;

    private ForwardProxy(ProxyProtocol protocol, IPAddress source, string? username, string? password)
    {
        Protocol = protocol;
        SourceAddress = source;
        _username = username;
        _password = password;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public ProxyProtocol Protocol { get; }

    /// <summary>The address its outbound connections come from.</summary>
    public IPAddress SourceAddress { get; }

    public int Port { get; }

    /// <summary>The URL a client is configured with (no credentials in it).</summary>
    public string Url => $"{(Protocol == ProxyProtocol.Http ? "http" : "socks5")}://127.0.0.1:{Port}";

    /// <summary>Requests (HTTP) or tunnels (CONNECT, SOCKS5) it opened to the target.</summary>
    public long Forwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Clients refused for missing or wrong credentials.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Starts a proxy whose outbound connections come from 127.0.0.<paramref name="sourceOctet"/>.</summary>
    public static ForwardProxy Start(ProxyProtocol protocol, int sourceOctet, string? username = null, string? password = null) =>
        new(protocol, IPAddress.Parse($"127.0.0.{sourceOctet}"), username, password);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var _ = client;
        await using var stream = new NetworkStream(client, ownsSocket: false);
        try
        {
            if (Protocol == ProxyProtocol.Socks5)
            {
                await ServeSocksAsync(stream);
            }
            else
            {
                await ServeHttpAsync(stream);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or FormatException)
        {
            // A client or target that went away ends the connection, as in any proxy.
        }
    }

    private async Task ServeSocksAsync(NetworkStream client)
    {
        var token = _stop.Token;
        var head = await ReadExactAsync(client, 2, token);
        var methods = await ReadExactAsync(client, head[1], token);
        var needAuth = _username is not null;
        var method = needAuth ? (byte)0x02 : (byte)0x00;
        if (head[0] != 5 || !methods.Contains(method))
        {
            Interlocked.Increment(ref _refused);
            await client.WriteAsync(new byte[] { 5, 0xFF }, token);
            return;
        }

        await client.WriteAsync(new byte[] { 5, method }, token);
        if (needAuth)
        {
            var version = await ReadExactAsync(client, 2, token);
            var user = Encoding.UTF8.GetString(await ReadExactAsync(client, version[1], token));
            var length = await ReadExactAsync(client, 1, token);
            var password = Encoding.UTF8.GetString(await ReadExactAsync(client, length[0], token));
            var ok = user == _username && password == _password;
            await client.WriteAsync(new byte[] { 1, ok ? (byte)0 : (byte)1 }, token);
            if (!ok)
            {
                Interlocked.Increment(ref _refused);
                return;
            }
        }

        var request = await ReadExactAsync(client, 4, token);
        string host = request[3] switch
        {
            1 => new IPAddress(await ReadExactAsync(client, 4, token)).ToString(),
            3 => Encoding.ASCII.GetString(await ReadExactAsync(client, (await ReadExactAsync(client, 1, token))[0], token)),
            4 => new IPAddress(await ReadExactAsync(client, 16, token)).ToString(),
            _ => throw new FormatException("address type"),
        };
        var port = BinaryPrimitives.ReadUInt16BigEndian(await ReadExactAsync(client, 2, token));
        if (request[1] != 1)
        {
            await client.WriteAsync(new byte[] { 5, 7, 0, 1, 0, 0, 0, 0, 0, 0 }, token);
            return;
        }

        using var target = await ConnectAsync(host, port, token);
        await client.WriteAsync(new byte[] { 5, 0, 0, 1, 0, 0, 0, 0, 0, 0 }, token);
        await using var targetStream = new NetworkStream(target, ownsSocket: false);
        await PumpAsync(client, targetStream, token);
    }

    private async Task ServeHttpAsync(NetworkStream client)
    {
        var token = _stop.Token;
        var head = await ReadHeadAsync(client, token);
        if (head is null)
        {
            return;
        }

        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            return;
        }

        var headers = lines.Skip(1).Where(l => l.Length > 0).ToList();
        if (_username is not null && !headers.Any(h => h.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase)
            && h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() == "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_username}:{_password}"))))
        {
            Interlocked.Increment(ref _refused);
            await client.WriteAsync("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), token);
            return;
        }

        if (parts[0] == "CONNECT")
        {
            var colon = parts[1].LastIndexOf(':');
            using var tunnel = await ConnectAsync(parts[1][..colon], int.Parse(parts[1][(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), token);
            await client.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), token);
            await using var tunnelStream = new NetworkStream(tunnel, ownsSocket: false);
            await PumpAsync(client, tunnelStream, token);
            return;
        }

        var uri = new Uri(parts[1]);
        using var target = await ConnectAsync(uri.Host, uri.Port, token);
        await using var targetStream = new NetworkStream(target, ownsSocket: false);
        var forwarded = new StringBuilder($"{parts[0]} {uri.PathAndQuery} {parts[2]}\r\n");
        foreach (var header in headers.Where(h => !h.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !h.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase)))
        {
            forwarded.Append(header).Append("\r\n");
        }

        // One request per connection: the target closes after its answer, which ends the answer for the client too.
        forwarded.Append("Connection: close\r\n\r\n");
        await targetStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()), token);
        await targetStream.CopyToAsync(client, token);
    }

    private async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var address = IPAddress.TryParse(host, out var literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(host, cancellationToken)).First(a => a.AddressFamily == AddressFamily.InterNetwork);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(SourceAddress, 0));
        await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken);
        Interlocked.Increment(ref _forwarded);
        return socket;
    }

    private static async Task PumpAsync(Stream a, Stream b, CancellationToken cancellationToken)
    {
        var up = a.CopyToAsync(b, cancellationToken);
        var down = b.CopyToAsync(a, cancellationToken);
        await Task.WhenAny(up, down);
    }

    private static async Task<byte[]> ReadExactAsync(Stream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, cancellationToken);
        return buffer;
    }

    /// <summary>The request head up to the blank line, read byte by byte so nothing of a tunnel's payload is consumed.</summary>
    private static async Task<string?> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new List<byte>(512);
        var one = new byte[1];
        while (head.Count < 64 * 1024)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return null;
            }

            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString(head.ToArray(), 0, head.Count - 4);
            }
        }

        return null;
    }
}
