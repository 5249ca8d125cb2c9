using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the test's own (its own data folder and port, the binaries the local stack uses), for a
/// test that restarts the database: no other test sees the restart. Durability settings are off, as in the stack.
/// </summary>
internal sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _dir;

    private OwnPostgres(string bin, string dir, int port)
    {
        _bin = bin;
        _dir = dir;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Include Error Detail=true";
    }

    public string ConnectionString { get; }

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<OwnPostgres> StartAsync()
    {
        var bin = FindBinaries();
        // As root the cluster belongs to the postgres user (initdb refuses root), which must reach the folder.
        var dir = Path.Combine(IsRoot ? "/var/tmp" : Path.GetTempPath(), $"dtpg-own-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(dir);
        if (IsRoot)
        {
            await RunAsync("chown", ["postgres:postgres", dir], asPostgres: false);
        }

        var port = FreePort();
        var cluster = new OwnPostgres(bin, dir, port);
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8"]);
        await RunAsync(Path.Combine(bin, "pg_ctl"), [
            "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "postgres.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start"]);
        return cluster;
    }

    /// <summary>Stops the server (fast: every session is ended) and starts it again with the same options.</summary>
    public Task RestartAsync() => RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "-t", "60", "restart"]);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static string FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "initdb")).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return Path.GetDirectoryName(new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath)!;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
                ?? throw new InvalidOperationException("No PostgreSQL binaries: run ./vinted stack up (it installs them).")
            : throw new InvalidOperationException("No PostgreSQL binaries: run ./vinted stack up (it installs them).");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres = true)
    {
        var info = asPostgres && IsRoot ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args]) : new ProcessStartInfo(file, args);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stdout}{await stderr}");
        }
    }
}
