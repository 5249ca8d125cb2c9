using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Logging;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;
using Vinted.Platform.Sql;

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
/// core, so memory stays bounded by a batch whatever the day holds.
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
        var total = 0;
        var batch = new List<FeatureRow>(BatchRows);
        await using var writer = await connection.BeginBinaryImportAsync(
            "copy mart.listing_price_estimate (snapshot_date, domain, item_id, currency, price, estimate, deviation, model_name, model_version, scored_at) from stdin (format binary)",
            cancellationToken);
        await foreach (var row in features.StreamAsync(currency, date, date, cancellationToken))
        {
            batch.Add(row);
            if (batch.Count == BatchRows)
            {
                total += await WriteBatchAsync(writer, batch, currency, served, scoredAt, cancellationToken);
            }
        }

        total += await WriteBatchAsync(writer, batch, currency, served, scoredAt, cancellationToken);
        await writer.CompleteAsync(cancellationToken);
        return total;
    }

    private static async Task<int> WriteBatchAsync(
        NpgsqlBinaryImporter writer, List<FeatureRow> rows, string currency, ServedModel served, DateTimeOffset scoredAt, CancellationToken cancellationToken)
    {
        var estimates = EstimateOnEveryCore(served.Model, rows);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(row.Day, NpgsqlDbType.Date, cancellationToken);
            await writer.WriteAsync(row.Domain, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.ItemId, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(currency, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(row.Price, NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(estimates[i], NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(Math.Round(row.Price / estimates[i] - 1, 4), NpgsqlDbType.Numeric, cancellationToken);
            await writer.WriteAsync(served.Pointer.ModelName, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(served.Pointer.Version, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(scoredAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        var written = rows.Count;
        rows.Clear();
        return written;
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
