using DurableTask.Core;
using DurableTask.Core.Query;
using DurableTask.PostgreSql.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace DurableTask.PostgreSql;

/// <summary>
/// A DurableTask.Core backend on PostgreSQL: the worker side (<see cref="IOrchestrationService"/>), the client
/// (<see cref="IOrchestrationServiceClient"/>), queries and purge, over one schema per task hub.
/// </summary>
/// <remarks>
/// Work items are leased rows: a worker takes them with <c>FOR UPDATE SKIP LOCKED</c>, stamps a fresh lease token and
/// an expiry, renews the expiry while the work runs, and completes only if the token is still the row's (a worker whose
/// lease expired finds its completion dropped). LISTEN/NOTIFY wakes idle workers; activity results are written in
/// batches. See docs/durable-task-postgresql.md.
/// </remarks>
public sealed partial class PostgreSqlOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient, IAsyncDisposable
{
    private readonly PostgreSqlOrchestrationServiceSettings _settings;
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly Notifications _notifications;
    private readonly ActivityCompletionWriter _completions;
    private readonly ProviderMetrics _metrics;
    private readonly HistoryCache _histories;
    private CancellationTokenSource _shutdown = new();
    private Task? _sampling;

    public PostgreSqlOrchestrationService(PostgreSqlOrchestrationServiceSettings settings, ILoggerFactory? loggerFactory = null)
    {
        settings.Validate();
        _settings = settings;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("DurableTask.PostgreSql");

        // Every statement names tables unqualified; the search path puts them in the hub's schema.
        var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { SearchPath = settings.SchemaName, NoResetOnClose = true };
        _dataSource = new NpgsqlDataSourceBuilder(connection.ConnectionString).UseLoggerFactory(loggerFactory).Build();
        _metrics = new ProviderMetrics(settings.SchemaName);
        _histories = new HistoryCache(settings.HistoryCacheBytes);
        _notifications = new Notifications(_dataSource, settings.SchemaName, Time, _logger, _metrics);
        _completions = new ActivityCompletionWriter(_dataSource, _notifications.OrchestrationChannel, settings.CompletionBatchSize, settings.TimeProvider, _logger);
    }

    private TimeProvider Time => _settings.TimeProvider;

    private TimeSpan Lease => _settings.LeaseDuration;

    /// <summary>The bytes the history cache holds now (for tests and diagnostics).</summary>
    internal long HistoryCacheBytesHeld => _histories.Bytes;

    public int TaskOrchestrationDispatcherCount => 1;

    public int MaxConcurrentTaskOrchestrationWorkItems => _settings.MaxConcurrentOrchestrations;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => BehaviorOnContinueAsNew.Carryover;

    public int TaskActivityDispatcherCount => 1;

    public int MaxConcurrentTaskActivityWorkItems => _settings.MaxConcurrentActivities;

    public Task CreateAsync() => CreateAsync(recreateInstanceStore: false);

    public async Task CreateAsync(bool recreateInstanceStore)
    {
        if (!_settings.ApplyMigrations)
        {
            await VerifySchemaAsync(recreateInstanceStore);
            return;
        }

        if (recreateInstanceStore)
        {
            await SchemaMigrator.DropAsync(_dataSource, _settings.SchemaName, CancellationToken.None);
        }

        await SchemaMigrator.MigrateAsync(_dataSource, _settings.SchemaName, CancellationToken.None);
    }

    public Task CreateIfNotExistsAsync() => CreateAsync(recreateInstanceStore: false);

    public Task DeleteAsync() => DeleteAsync(deleteInstanceStore: true);

    public Task DeleteAsync(bool deleteInstanceStore) => SchemaMigrator.DropAsync(_dataSource, _settings.SchemaName, CancellationToken.None);

    public Task StartAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            _shutdown.Dispose();
            _shutdown = new CancellationTokenSource();
        }

        _notifications.Start();
        _completions.Start();
        if (_sampling is null or { IsCompleted: true })
        {
            var stopping = _shutdown.Token;
            _sampling = Task.Run(() => _metrics.SampleAsync(_dataSource, Time, _logger, stopping));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        await _shutdown.CancelAsync();

        // Results already handed over are written before the host goes; their calls are not run again.
        await _completions.StopAsync();

        // Calls taken but not started go back at once instead of waiting out their leases.
        while (_taken.TryDequeue(out var item))
        {
            await AbandonTaskActivityWorkItemAsync(item);
        }
    }

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) => false;

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => exception is OperationCanceledException ? 0 : 1;

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _notifications.DisposeAsync();
        if (_sampling is not null)
        {
            await _sampling;
        }

        _metrics.Dispose();
        await _dataSource.DisposeAsync();
        _shutdown.Dispose();
    }

    /// <summary>Waits for new work of one kind: a NOTIFY, work this host queued itself, or the idle poll interval.</summary>
    private async Task<bool> WaitForWorkAsync(WorkSignal signal, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var remaining = deadline - Time.GetUtcNow();
        if (remaining <= TimeSpan.Zero || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        await signal.WaitAsync(remaining < _settings.MaxPollingInterval ? remaining : _settings.MaxPollingInterval, Time, cancellationToken);
        return !cancellationToken.IsCancellationRequested;
    }

    private static NpgsqlParameter P<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    private static NpgsqlParameter P(string name, object? value, NpgsqlDbType type) => new(name, type) { Value = value ?? DBNull.Value };

    private static NpgsqlParameter Interval(string name, TimeSpan value) => new NpgsqlParameter<TimeSpan>(name, NpgsqlDbType.Interval) { TypedValue = value };
}
