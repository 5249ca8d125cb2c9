using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Vinted.RawZone;
using Vinted.Warehouse.Logging;
using Vinted.Warehouse.Options;
using Vinted.Warehouse.Quality;
using Vinted.Platform.Threading;

namespace Vinted.Warehouse.Staging;

/// <summary>
/// Loads one run's raw pages into staging: reads the run's manifest, streams its non-quarantined pages (read, parsed
/// and checked ahead on every core while the one COPY writes, through a bounded channel; never the whole run in
/// memory), and binary-COPYs one row per item observation into the run's own partition. Idempotent per run: a new load empties the run's
/// partition in the same transaction, so the run's rows are replaced, never duplicated.
/// </summary>
public sealed class StagingLoader
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly RawZoneStore _rawZone;
    private readonly QualityRunner _quality;
    private readonly WarehouseOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StagingLoader> _logger;

    internal StagingLoader(NpgsqlDataSource dataSource, RawZoneStore rawZone, QualityRunner quality, IOptions<WarehouseOptions> options, TimeProvider time, ILogger<StagingLoader> logger)
    {
        _dataSource = dataSource;
        _rawZone = rawZone;
        _quality = quality;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Loads the run, then runs the staging checks; their results are kept with the rows.</summary>
    /// <exception cref="DataQualityException">A blocking staging check failed (the rows stay for diagnosis; the next stages refuse the run).</exception>
    /// <exception cref="Vinted.ObjectStore.ObjectIntegrityException">A page no longer matches its manifest checksum.</exception>
    public async Task<StageResult> LoadAsync(string runId, DateOnly date, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var started = _time.GetTimestamp();
        var manifest = await _rawZone.ReadManifestAsync(runId, date, cancellationToken)
            ?? throw new InvalidOperationException($"Run '{runId}' of {date:yyyy-MM-dd} has no manifest in the raw zone.");
        ThrowIfListedTwice(manifest);
        var pages = manifest.Pages.Where(p => !p.Quarantined).ToList();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await WarehouseSql.LockAsync(connection, transaction, $"warehouse:staging:{runId}", cancellationToken);

        string partition;
        await using (var prepare = new NpgsqlCommand("select staging.prepare_run(@run_id)", connection, transaction))
        {
            prepare.Parameters.AddWithValue("run_id", runId);
            partition = (string)(await prepare.ExecuteScalarAsync(cancellationToken))!;
        }

        IReadOnlyList<PageLoad> loads;
        // The partition name comes from staging.prepare_run, which quotes it (format %I); no value is in this SQL.
        await using (var importer = await connection.BeginBinaryImportAsync($"copy {partition} ({ObservationWriter.Columns}) from stdin (format binary)", cancellationToken))
        {
            importer.Timeout = _options.CommandTimeout;
            loads = await CopyPagesAsync(importer, runId, date, pages, cancellationToken);
            await importer.CompleteAsync(cancellationToken);
        }

        // Statistics for the normalizer's plans: a fresh partition otherwise looks empty to the planner.
        await using (var analyze = WarehouseSql.Command($"analyze {partition}", connection, transaction, _options.CommandTimeout))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var rows = loads.Sum(l => (long)l.Rows);
        var rejects = loads.SelectMany(l => l.Rejects).ToList();
        await RecordRejectsAsync(connection, transaction, runId, date, rejects, cancellationToken);
        await RecordRunAsync(connection, transaction, manifest, rows, rejects.Count, ScopeExtent.Of(manifest, loads), cancellationToken);
        var checks = await _quality.EvaluateAsync(connection, transaction, runId, date, WarehouseStage.Staging, cancellationToken);
        await _quality.RecordAsync(connection, transaction, runId, checks, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var result = new StageResult(runId, date, manifest.Pages.Count, manifest.QuarantinedCount, rows, rejects.Count, _time.GetElapsedTime(started));
        _logger.Staged(runId, date, rows, result.Pages, result.QuarantinedPages, (long)result.Elapsed.TotalMilliseconds);
        FailIfBlocking(runId, WarehouseStage.Staging, checks);
        return result;
    }

    /// <summary>
    /// A manifest that lists a page twice would stage its items twice; one that lists a search twice gives it two
    /// verdicts. Ingestion never writes either, so the manifest was damaged or written by hand: nothing is staged, and
    /// no retry will make it whole.
    /// </summary>
    /// <exception cref="DataQualityException">A page key or a search is listed more than once.</exception>
    private static void ThrowIfListedTwice(RunManifest manifest)
    {
        if (manifest.Pages.CountBy(p => p.Key, StringComparer.Ordinal).FirstOrDefault(c => c.Value > 1) is { Value: > 1 } page)
        {
            throw new DataQualityException($"Run '{manifest.RunId}' of {manifest.Date:yyyy-MM-dd}: its manifest lists page '{page.Key}' {page.Value} times.");
        }

        if (manifest.Searches.CountBy(s => (s.Domain, s.SearchKey)).FirstOrDefault(c => c.Value > 1) is { Value: > 1 } search)
        {
            throw new DataQualityException(
                $"Run '{manifest.RunId}' of {manifest.Date:yyyy-MM-dd}: its manifest lists search '{search.Key.SearchKey}' on {search.Key.Domain} {search.Value} times.");
        }
    }

    private void FailIfBlocking(string runId, string stage, IReadOnlyList<CheckResult> checks)
    {
        if (checks.Any(c => c.Blocking && !c.Passed))
        {
            _logger.ChecksFailed(runId, stage, string.Join("; ", checks.Where(c => !c.Passed)));
        }

        QualityRunner.ThrowIfBlockingFailed(runId, stage, checks);
    }

    private static async Task RecordRejectsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string runId, DateOnly date, IReadOnlyList<ItemReject> rejects, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var delete = new NpgsqlBatchCommand("delete from staging.item_reject where run_id = $1");
        delete.Parameters.Add(new NpgsqlParameter { Value = runId });
        batch.BatchCommands.Add(delete);
        var insert = new NpgsqlBatchCommand(
            """
            insert into staging.item_reject (run_id, observed_date, domain, endpoint, search_key, s3_key, page, item_index, fetched_at, reason, raw)
            select $1, $2, * from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[], $9::timestamptz[], $10::text[], $11::bytea[])
            """);
        insert.Parameters.Add(new NpgsqlParameter { Value = runId });
        insert.Parameters.Add(new NpgsqlParameter { Value = date });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.Address.Domain).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.Address.Endpoint).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.Address.SearchKey).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.Key).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.Address.Page).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.ItemIndex).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Page.FetchedAt).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Reason).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = rejects.Select(r => r.Raw).ToArray() });
        batch.BatchCommands.Add(insert);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task RecordRunAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, RunManifest manifest, long rows, int problems, IReadOnlyList<ScopeExtent> scopes, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var run = new NpgsqlBatchCommand(
            """
            insert into staging.run (run_id, observed_date, manifest_pages, quarantined_pages, manifest_items, staged_rows, item_problems, loaded_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8)
            on conflict (run_id) do update set
                observed_date = excluded.observed_date, manifest_pages = excluded.manifest_pages,
                quarantined_pages = excluded.quarantined_pages, manifest_items = excluded.manifest_items,
                staged_rows = excluded.staged_rows, item_problems = excluded.item_problems, loaded_at = excluded.loaded_at
            """);
        run.Parameters.Add(new NpgsqlParameter { Value = manifest.RunId });
        run.Parameters.Add(new NpgsqlParameter { Value = manifest.Date });
        run.Parameters.Add(new NpgsqlParameter { Value = manifest.PageCount });
        run.Parameters.Add(new NpgsqlParameter { Value = manifest.QuarantinedCount });
        run.Parameters.Add(new NpgsqlParameter { Value = manifest.ItemCount });
        run.Parameters.Add(new NpgsqlParameter { Value = rows });
        run.Parameters.Add(new NpgsqlParameter { Value = problems });
        run.Parameters.Add(new NpgsqlParameter { Value = _time.GetUtcNow() });
        batch.BatchCommands.Add(run);

        var deleteScopes = new NpgsqlBatchCommand("delete from staging.run_scope where run_id = $1");
        deleteScopes.Parameters.Add(new NpgsqlParameter { Value = manifest.RunId });
        batch.BatchCommands.Add(deleteScopes);

        // One row per search scope: its extent and whether its whole result set was fetched.
        var insertScopes = new NpgsqlBatchCommand(
            """
            insert into staging.run_scope (run_id, domain, search_key, endpoint, pages, quarantined_pages, items,
                                           total_entries, last_page, empty_pages_before_last, rejected_items, complete, promoted_items)
            select $1, * from unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::bigint[],
                                     $8::bigint[], $9::int[], $10::int[], $11::bigint[], $12::boolean[], $13::bigint[])
            """);
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = manifest.RunId });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Domain).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.SearchKey).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Endpoint).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Pages).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.QuarantinedPages).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Items).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.TotalEntries).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.LastPage).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.EmptyPagesBeforeLast).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.RejectedItems).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.Complete).ToArray() });
        insertScopes.Parameters.Add(new NpgsqlParameter { Value = scopes.Select(s => s.PromotedItems).ToArray() });
        batch.BatchCommands.Add(insertScopes);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The pipeline of a load (issue 21): pages read from the object store, <see cref="WarehouseOptions.PageReadAhead"/>
    /// ahead of the COPY, each prepared (parsed and checked) on the thread pool with at most one page per core at a time,
    /// handed in manifest order through a bounded channel to the one thread that writes the COPY. The bound keeps at most
    /// that many pages in memory whatever the run holds.
    /// </summary>
    private async Task<IReadOnlyList<PageLoad>> CopyPagesAsync(
        NpgsqlBinaryImporter importer, string runId, DateOnly date, IReadOnlyList<StoredPage> pages, CancellationToken cancellationToken)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var cores = new SemaphoreSlim(Environment.ProcessorCount);
        var prepared = Channel.CreateBounded<Task<PreparedPage>>(
            new BoundedChannelOptions(_options.PageReadAhead) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        var producer = ProduceAsync(pages, prepared.Writer, cores, abandon.Token);
        try
        {
            // The writes are synchronous on a thread of their own: a million rows of 35 values each, written through
            // awaits, spent seconds of the two cores on async machinery alone, and this thread has nothing else to do.
            return await Task.Factory.StartNew(
                () => WriteAll(importer, runId, date, prepared.Reader, abandon.Token), abandon.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            // Pages still in flight when the load stops early are cancelled and observed, not leaked.
            await abandon.CancelAsync();
            await producer.ObserveAsync();
            while (prepared.Reader.TryRead(out var pending))
            {
                await pending.ObserveAsync();
            }
        }
    }

    private async Task ProduceAsync(IReadOnlyList<StoredPage> pages, ChannelWriter<Task<PreparedPage>> writer, SemaphoreSlim cores, CancellationToken cancellationToken)
    {
        Task<PreparedPage>? task = null;
        try
        {
            foreach (var page in pages)
            {
                task = Task.Run(
                    async () =>
                    {
                        // Pooled: a page is 100-400 KB, so each body read anew would be an array on the large
                        // object heap. Measured at 1,000,000 listings: staging's peak working set 599 MiB pooled
                        // against 693 and 802 MiB unpooled (the run's peak, set by other stages, did not move).
                        // The body goes back to the pool once the page is prepared: the rows keep no bytes of it.
                        using var body = await _rawZone.ReadPagePooledAsync(page, cancellationToken);
                        await cores.WaitAsync(cancellationToken);
                        try
                        {
                            return ObservationWriter.Prepare(page, body.Memory);
                        }
                        finally
                        {
                            cores.Release();
                        }
                    },
                    cancellationToken);
                if (!writer.TryWrite(task))
                {
                    // The COPY is behind: wait for room, but the page's read is already under way.
                    await writer.WriteAsync(task, cancellationToken);
                }

                task = null;
            }

            writer.TryComplete();
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            writer.TryComplete(exception);
            if (task is not null)
            {
                // The page that found no room in the channel: its read is cancelled with the rest, and observed here.
                await task.ObserveAsync();
            }
        }
    }

    private List<PageLoad> WriteAll(NpgsqlBinaryImporter importer, string runId, DateOnly date, ChannelReader<Task<PreparedPage>> reader, CancellationToken cancellationToken)
    {
        var loads = new List<PageLoad>();
        while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var next))
            {
                // A page whose read or check failed fails the load here, in manifest order, with its own exception.
                var page = next.GetAwaiter().GetResult();
                ObservationWriter.Write(importer, runId, date, page);
                loads.Add(page.Load);
                if (page.Load.Rejects.Count > 0)
                {
                    _logger.ItemsRejected(runId, page.Load.Page.Key, page.Load.Rejects.Count, page.Load.Rejects[0].Reason);
                }
            }
        }

        return loads;
    }
}
