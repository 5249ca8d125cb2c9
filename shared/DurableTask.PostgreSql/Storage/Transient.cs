using DurableTask.PostgreSql.Logging;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace DurableTask.PostgreSql.Storage;

/// <summary>
/// Runs a database operation again after a transient error: a broken connection, a serialization failure (40001), a
/// deadlock (40P01), an administrator's or a crash shutdown (57P01, 57P02, 57P03). Only operations that may run twice
/// come here: reads, and writes fenced by a lease token or otherwise idempotent. A database blip then costs a retry,
/// not a second execution of the work.
/// </summary>
internal static class Transient
{
    private const int Attempts = 5;

    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException p => p.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || p.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or System.Net.Sockets.SocketException,
        _ => false,
    };

    /// <summary>Runs <paramref name="operation"/> (told its attempt number, from 1) until it succeeds or fails for good.</summary>
    public static Task<T> RetryAsync<T>(
        Func<int, Task<T>> operation, NpgsqlDataSource dataSource, ILogger logger, string name, CancellationToken cancellationToken = default, ProviderMetrics? metrics = null) =>
        RetryAsync(operation, dataSource, logger, name, (attempt, _) => attempt < Attempts, cancellationToken, metrics);

    /// <summary>
    /// Runs <paramref name="operation"/> until it succeeds, fails for good, or <paramref name="until"/> (UTC) has passed.
    /// For writes fenced by a lease: a retry is safe for as long as the lease holds, and giving up earlier would hand the
    /// work back to run a second time.
    /// </summary>
    public static Task<T> RetryUntilAsync<T>(
        Func<int, Task<T>> operation, DateTime until, TimeProvider time, NpgsqlDataSource dataSource, ILogger logger, string name, ProviderMetrics? metrics = null) =>
        RetryAsync(operation, dataSource, logger, name, (_, delay) => time.GetUtcNow().UtcDateTime + delay < until, CancellationToken.None, metrics);

    private static async Task<T> RetryAsync<T>(
        Func<int, Task<T>> operation, NpgsqlDataSource dataSource, ILogger logger, string name, Func<int, TimeSpan, bool> again, CancellationToken cancellationToken, ProviderMetrics? metrics)
    {
        for (var attempt = 1; ; attempt++)
        {
            // 100 ms, doubling, at most 0.8 s.
            var delay = TimeSpan.FromMilliseconds(100 << Math.Min(attempt - 1, 3));
            try
            {
                return await operation(attempt);
            }
            catch (Exception e) when (IsTransient(e) && again(attempt, delay) && !cancellationToken.IsCancellationRequested)
            {
                logger.TransientRetry(name, attempt, e);
                metrics?.TransientRetry(name);

                // After a restart or a terminated backend the pool's idle connections are dead too: start afresh.
                dataSource.Clear();
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public static Task RetryAsync(
        Func<int, Task> operation, NpgsqlDataSource dataSource, ILogger logger, string name, CancellationToken cancellationToken = default, ProviderMetrics? metrics = null) =>
        RetryAsync(
            async attempt =>
            {
                await operation(attempt);
                return true;
            },
            dataSource,
            logger,
            name,
            cancellationToken,
            metrics);
}
