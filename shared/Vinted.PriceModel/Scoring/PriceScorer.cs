using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Logging;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;
using Vinted.Platform.Sql;
using Vinted.Platform.Threading;

namespace Vinted.PriceModel.Scoring;

/// <summary>What scoring a day did per currency: the rows scored and the model version, or why none were.</summary>
public sealed record CurrencyScore(string Currency, int Rows, string ModelName, int? ModelVersion, string? Note);

/// <summary>What scoring a day did.</summary>
public sealed record ScoreResult(DateOnly Date, IReadOnlyList<CurrencyScore> Currencies)
{
    public int Rows => Currencies.Sum(c => c.Rows);
}

/// <summary>
/// Scores a day's listings into <c>mart.listing_price_estimate</c> with each currency's production model (the same
/// loaded model and code path the HTTP estimates use). The day's earlier scores are removed first, so the table never
/// shows an estimate no model now stands behind. A currency without a production model costs nothing but that delete:
/// its features are never read. The rows stream from the feature table to the COPY in batches, each estimated on every
/// core while the batch before is written, so memory stays bounded by two batches whatever the day holds.
/// </summary>
public sealed class PriceScorer(NpgsqlDataSource dataSource, FeatureStore features, PriceEstimator estimator, TimeProvider time, ILogger<PriceScorer> logger)
{
    private static readonly EmbeddedSql Sql = EmbeddedSql.Of<PriceScorer>();

    private const int BatchRows = 16_384;

    public async Task<ScoreResult> ScoreAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var scores = new List<CurrencyScore>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand(Sql["Queries/scores_delete"], connection, transaction))
        {
            delete.Parameters.Add(new NpgsqlParameter<DateOnly>("day", NpgsqlDbType.Date) { TypedValue = date });
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var currency in await features.CurrenciesOnAsync(date, cancellationToken))
        {
            var modelName = ModelRegistry.ModelName(currency);
            var served = await estimator.CurrentAsync(modelName, cancellationToken, fresh: true);
            if (served is null)
            {
                scores.Add(new CurrencyScore(currency, 0, modelName, null, "no production model: not scored"));
                continue;
            }

            var rows = await WriteAsync(connection, date, currency, served, cancellationToken);
            logger.Scored(rows, date, currency, modelName, served.Pointer.Version);
            scores.Add(new CurrencyScore(currency, rows, modelName, served.Pointer.Version, rows == 0 ? "no listings that day" : null));
        }

        await transaction.CommitAsync(cancellationToken);
        return new ScoreResult(date, scores);
    }

    private async Task<int> WriteAsync(NpgsqlConnection connection, DateOnly date, string currency, ServedModel served, CancellationToken cancellationToken)
    {
        var scoredAt = time.GetUtcNow();
        await using var writer = await connection.BeginBinaryImportAsync(
            "copy mart.listing_price_estimate (snapshot_date, domain, item_id, currency, price, estimate, deviation, model_name, model_version, scored_at) from stdin (format binary)",
            cancellationToken);

        // Reading and estimating a batch overlap the COPY of the one before: the COPY's rows are written synchronously
        // on a thread of their own (ten awaited writes a row cost more than the estimates), and the bound keeps two
        // batches in memory whatever the day holds.
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var scored = Channel.CreateBounded<ScoredBatch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var producer = EstimateBatchesAsync(currency, date, served.Model, scored.Writer, abandon.Token);
        int total;
        try
        {
            total = await Task.Factory.StartNew(
                () => WriteAll(writer, scored.Reader, currency, served.Pointer, scoredAt, abandon.Token), abandon.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            await abandon.CancelAsync();
            await producer.ObserveAsync();
        }

        await writer.CompleteAsync(cancellationToken);
        return total;
    }

    /// <summary>A batch of the day's feature rows with the model's estimates, in the same order.</summary>
    private sealed record ScoredBatch(List<FeatureRow> Rows, decimal[] Estimates);

    private async Task EstimateBatchesAsync(string currency, DateOnly date, LoadedPriceModel model, ChannelWriter<ScoredBatch> writer, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<FeatureRow>(BatchRows);
            await foreach (var row in features.StreamAsync(currency, date, date, cancellationToken))
            {
                batch.Add(row);
                if (batch.Count == BatchRows)
                {
                    await writer.WriteAsync(new ScoredBatch(batch, EstimateOnEveryCore(model, batch)), cancellationToken);
                    batch = new List<FeatureRow>(BatchRows);
                }
            }

            if (batch.Count > 0)
            {
                await writer.WriteAsync(new ScoredBatch(batch, EstimateOnEveryCore(model, batch)), cancellationToken);
            }

            writer.TryComplete();
        }
        catch (Exception exception)
        {
            // The writer's loop rethrows it: a failed read or estimate fails the scoring, an abandoned one ends quietly.
            writer.TryComplete(exception);
        }
    }

    private static int WriteAll(
        NpgsqlBinaryImporter writer, ChannelReader<ScoredBatch> reader, string currency, ModelPointer model, DateTimeOffset scoredAt, CancellationToken cancellationToken)
    {
        var total = 0;
        while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var batch))
            {
                for (var i = 0; i < batch.Rows.Count; i++)
                {
                    var row = batch.Rows[i];
                    var estimate = batch.Estimates[i];
                    writer.StartRow();
                    writer.Write(row.Day, NpgsqlDbType.Date);
                    writer.Write(row.Domain, NpgsqlDbType.Text);
                    writer.Write(row.ItemId, NpgsqlDbType.Bigint);
                    writer.Write(currency, NpgsqlDbType.Text);
                    writer.Write(row.Price, NpgsqlDbType.Numeric);
                    writer.Write(estimate, NpgsqlDbType.Numeric);
                    writer.Write(Math.Round(row.Price / estimate - 1, 4), NpgsqlDbType.Numeric);
                    writer.Write(model.ModelName, NpgsqlDbType.Text);
                    writer.Write(model.Version, NpgsqlDbType.Integer);
                    writer.Write(scoredAt, NpgsqlDbType.TimestampTz);
                }

                total += batch.Rows.Count;
            }
        }

        return total;
    }

    // A prediction engine serves one caller at a time; the model's pool hands each slice its own.
    private static decimal[] EstimateOnEveryCore(LoadedPriceModel model, List<FeatureRow> rows)
    {
        var estimates = new decimal[rows.Count];
        var slices = Math.Max(1, Math.Min(Environment.ProcessorCount, rows.Count / 1024));
        Parallel.For(0, slices, slice =>
        {
            var from = rows.Count * slice / slices;
            var to = rows.Count * (slice + 1) / slices;
            var items = new ListingFeatures[to - from];
            for (var i = from; i < to; i++)
            {
                items[i - from] = rows[i].Features;
            }

            var sliceEstimates = model.Estimate(items);
            for (var i = from; i < to; i++)
            {
                estimates[i] = sliceEstimates[i - from];
            }
        });
        return estimates;
    }
}
