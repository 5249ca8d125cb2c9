using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Vinted.Warehouse.Options;

namespace Vinted.Warehouse.Vanished;

/// <summary>The vanished listings of one domain and date to look up: all of them, or a sample of <see cref="ItemIds"/> out of <see cref="Vanished"/>.</summary>
public sealed record VanishedSample(string Domain, long Vanished, IReadOnlyList<long> ItemIds);

/// <summary>What one item page lookup found for a vanished listing (<paramref name="Outcome"/>: <c>sold</c>, <c>withdrawn</c> or <c>unknown</c>).</summary>
public sealed record VanishedOutcome(long ItemId, string Outcome, string Reason, int? HttpStatus, string? S3Key, DateTimeOffset LookedUpAt);

/// <summary>A day's vanished listings in the mart, split by what became of them.</summary>
public sealed record VanishedSplit(long Vanished, long Sold, long Withdrawn, long Unknown);

/// <summary>
/// The warehouse side of issue 22: which of a day's vanished listings to look up, what their item pages said
/// (<c>core.item_vanish_outcome</c>), and the mart's split of vanished into sold, withdrawn and unknown.
/// </summary>
public sealed class VanishedOutcomes
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly WarehouseOptions _options;

    internal VanishedOutcomes(NpgsqlDataSource dataSource, IOptions<WarehouseOptions> options)
    {
        _dataSource = dataSource;
        _options = options.Value;
    }

    /// <summary>Per domain, the listings that vanished on <paramref name="date"/>: all, or <paramref name="maxPerDomain"/> of them (a fixed sample).</summary>
    public async Task<IReadOnlyList<VanishedSample>> SampleAsync(DateOnly date, int maxPerDomain, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(WarehouseSql.Scripts["Vanished/vanished_sample"]);
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("observed_date", NpgsqlDbType.Date) { TypedValue = date });
        command.Parameters.Add(new NpgsqlParameter<int>("max_per_domain", NpgsqlDbType.Integer) { TypedValue = maxPerDomain });
        var samples = new Dictionary<string, (long Total, List<long> Ids)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var domain = reader.GetString(0);
            if (!samples.TryGetValue(domain, out var sample))
            {
                samples[domain] = sample = (reader.GetInt64(2), []);
            }

            sample.Ids.Add(reader.GetInt64(1));
        }

        return [.. samples.Select(s => new VanishedSample(s.Key, s.Value.Total, s.Value.Ids))];
    }

    /// <summary>Records what the lookups of one run found for listings of <paramref name="domain"/> that vanished on <paramref name="date"/>.</summary>
    public async Task RecordAsync(string runId, DateOnly date, string domain, IReadOnlyList<VanishedOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Count == 0)
        {
            return;
        }

        await using var command = _dataSource.CreateCommand(WarehouseSql.Scripts["Vanished/outcome_upsert"]);
        WarehouseSql.AddRunParameters(command, runId, date);
        command.Parameters.AddWithValue("domain", domain);
        command.Parameters.AddWithValue("item_ids", outcomes.Select(o => o.ItemId).ToArray());
        command.Parameters.AddWithValue("outcomes", outcomes.Select(o => o.Outcome).ToArray());
        command.Parameters.AddWithValue("reasons", outcomes.Select(o => o.Reason).ToArray());
        command.Parameters.Add(new NpgsqlParameter("http_statuses", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = outcomes.Select(o => o.HttpStatus).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("s3_keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = outcomes.Select(o => o.S3Key).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("looked_up_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = outcomes.Select(o => o.LookedUpAt.UtcDateTime).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes the recorded outcomes of <paramref name="date"/> into the mart (its vanished facts and the split in its
    /// aggregates; time to sell from sold listings only) and returns the day's split. Idempotent.
    /// </summary>
    public async Task<VanishedSplit> ApplyAsync(string runId, DateOnly date, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The mart builder rewrites the same rows: one at a time.
        await WarehouseSql.LockAsync(connection, transaction, WarehouseSql.SharedLock, cancellationToken);
        await WarehouseSql.TransformAsync(connection, transaction, "mart_040_vanished_outcome", runId, date, _options.CommandTimeout, cancellationToken);
        await using var command = new NpgsqlCommand(WarehouseSql.Scripts["Vanished/vanished_split"], connection, transaction);
        WarehouseSql.AddRunParameters(command, runId, date);
        VanishedSplit split;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            split = new VanishedSplit(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        await transaction.CommitAsync(cancellationToken);
        return split;
    }
}
