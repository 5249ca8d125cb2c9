using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Vinted.Platform.Sql;
using Vinted.Platform.Text;

namespace Vinted.PriceModel.Features;

/// <summary>Reads <c>mart.listing_features</c>: what training, scoring and the tests see of the mart.</summary>
public sealed class FeatureStore(NpgsqlDataSource dataSource)
{
    private static readonly EmbeddedSql Sql = EmbeddedSql.Of<FeatureStore>();

    // The sample's resolution, a power of two: a listing is kept when its id's hash modulo this is below the bound
    // (features_window.sql).
    private const int EveryListing = 65_536;

    /// <summary>The currencies with listings up to <paramref name="upTo"/>, each with its newest day.</summary>
    public async Task<IReadOnlyList<(string Currency, DateOnly NewestDay)>> CurrenciesAsync(DateOnly upTo, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/feature_currencies"]);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", NpgsqlDbType.Date) { TypedValue = upTo });
        var currencies = new List<(string, DateOnly)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            currencies.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1)));
        }

        return currencies;
    }

    /// <summary>The currencies with listings on <paramref name="day"/>.</summary>
    public async Task<IReadOnlyList<string>> CurrenciesOnAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(Sql["Queries/feature_currencies_of_day"]);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("day", NpgsqlDbType.Date) { TypedValue = day });
        var currencies = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            currencies.Add(reader.GetString(0));
        }

        return currencies;
    }

    /// <summary>
    /// The currency's feature rows from <paramref name="from"/> to <paramref name="to"/> (inclusive), ordered by day and
    /// listing; when the range holds more than <paramref name="maxRows"/>, a sample of about that many, by listing (a
    /// listing's days are all in or all out; the same range and bound read the same sample).
    /// </summary>
    public async Task<FeatureSample> ReadAsync(string currency, DateOnly from, DateOnly to, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        long available;
        await using (var count = Command("Queries/features_count", currency, from, to))
        {
            available = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        var keep = available <= maxRows ? EveryListing : (int)Math.Max(1, maxRows * (long)EveryListing / available);
        var rows = new List<FeatureRow>((int)Math.Min(available, maxRows));
        await foreach (var row in StreamAsync(currency, from, to, keep, cancellationToken))
        {
            rows.Add(row);
        }

        return new FeatureSample(rows, available, Sampled: keep < EveryListing);
    }

    /// <summary>The same rows as <see cref="ReadAsync"/>, one at a time: memory stays bounded by what the caller keeps.</summary>
    public IAsyncEnumerable<FeatureRow> StreamAsync(string currency, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        StreamAsync(currency, from, to, EveryListing, cancellationToken);

    private async IAsyncEnumerable<FeatureRow> StreamAsync(string currency, DateOnly from, DateOnly to, int keep, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command("Queries/features_window", currency, from, to);
        command.Parameters.Add(new NpgsqlParameter<int>("keep", NpgsqlDbType.Integer) { TypedValue = keep });
        command.Parameters.Add(new NpgsqlParameter<int>("every", NpgsqlDbType.Integer) { TypedValue = EveryListing });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        // The categorical columns repeat on most rows; scoring keeps a batch of rows, so each row's own copies would be
        // promoted with it (see StringPool). Titles are mostly distinct and are not pooled.
        var strings = new StringPool();
        while (await reader.ReadAsync(cancellationToken))
        {
            var price = reader.GetDecimal(3);
            var domain = strings.Intern(reader.GetString(1));
            yield return new FeatureRow(reader.GetFieldValue<DateOnly>(0), domain, reader.GetInt64(2), price, new ListingFeatures
            {
                Domain = domain,
                Brand = strings.Intern(reader.GetString(4)),
                Catalog = strings.Intern(reader.GetString(5)),
                Size = strings.Intern(reader.GetString(6)),
                Condition = strings.Intern(reader.GetString(7)),
                Title = reader.GetString(8),
                PhotoCount = reader.GetInt32(9),
                DaysOnSale = reader.GetInt32(10),
                FavouriteCount = reader.GetInt32(11),
                PriceDrops = reader.GetInt32(12),
                SellerBusiness = reader.GetBoolean(13) ? 1 : 0,
                SellerListings = reader.GetInt32(14),
                LogPrice = (float)Math.Log((double)price),
            });
        }
    }

    private NpgsqlCommand Command(string query, string currency, DateOnly from, DateOnly to)
    {
        var command = dataSource.CreateCommand(Sql[query]);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter<string>("currency", NpgsqlDbType.Text) { TypedValue = currency });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("from", NpgsqlDbType.Date) { TypedValue = from });
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("to", NpgsqlDbType.Date) { TypedValue = to });
        return command;
    }
}

/// <summary>
/// Feature rows read for training: the rows, how many the range held when they were counted, and whether the rows are a
/// sample of those (by listing) rather than all of them.
/// </summary>
public sealed record FeatureSample(IReadOnlyList<FeatureRow> Rows, long Available, bool Sampled);
