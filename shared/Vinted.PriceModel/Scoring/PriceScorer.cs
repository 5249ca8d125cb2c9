using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Vinted.PriceModel.Features;
using Vinted.PriceModel.Logging;
using Vinted.PriceModel.Registry;
using Vinted.PriceModel.Serving;

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
/// loaded model and code path the HTTP estimates use). A currency without a production model is skipped with a note;
/// its earlier scores of the day are removed, so the table never shows an estimate no model now stands behind.
/// </summary>
public sealed class PriceScorer(NpgsqlDataSource dataSource, FeatureStore features, PriceEstimator estimator, TimeProvider time, ILogger<PriceScorer> logger)
{
    public async Task<ScoreResult> ScoreAsync(DateOnly date, CancellationToken cancellationToken)
    {
        var scores = new List<CurrencyScore>();
        foreach (var (currency, _) in (await features.CurrenciesAsync(date, cancellationToken)))
        {
            var modelName = ModelRegistry.ModelName(currency);
            var rows = await features.ReadAsync(currency, date, date, cancellationToken);
            var served = rows.Count == 0 ? null : await estimator.CurrentAsync(modelName, cancellationToken, fresh: true);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var delete = new NpgsqlCommand(PriceModelSql.Get("scores_delete"), connection, transaction))
            {
                delete.Parameters.Add(new NpgsqlParameter<DateOnly>("day", NpgsqlDbType.Date) { TypedValue = date });
                delete.Parameters.Add(new NpgsqlParameter<string>("currency", NpgsqlDbType.Text) { TypedValue = currency });
                await delete.ExecuteNonQueryAsync(cancellationToken);
            }

            if (served is null)
            {
                await transaction.CommitAsync(cancellationToken);
                scores.Add(new CurrencyScore(currency, 0, modelName, null, rows.Count == 0 ? "no listings that day" : "no production model: not scored"));
                continue;
            }

            var estimates = served.Model.Estimate([.. rows.Select(r => r.Features)]);
            await WriteAsync(connection, currency, rows, estimates, served.Pointer, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            logger.Scored(rows.Count, date, currency, modelName, served.Pointer.Version);
            scores.Add(new CurrencyScore(currency, rows.Count, modelName, served.Pointer.Version, null));
        }

        return new ScoreResult(date, scores);
    }

    private async Task WriteAsync(
        NpgsqlConnection connection, string currency, IReadOnlyList<FeatureRow> rows, IReadOnlyList<decimal> estimates, ModelPointer model, CancellationToken cancellationToken)
    {
        var scoredAt = time.GetUtcNow();
        await using var writer = await connection.BeginBinaryImportAsync(
            "copy mart.listing_price_estimate (snapshot_date, domain, item_id, currency, price, estimate, deviation, model_name, model_version, scored_at) from stdin (format binary)",
            cancellationToken);
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
            await writer.WriteAsync(model.ModelName, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(model.Version, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(scoredAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }
}
