using Npgsql;

namespace Vinted.Monitoring.Runs;

/// <summary>Reads a run's data-quality results from the warehouse's <c>quality.check_result</c>, when that table exists.</summary>
public sealed class QualityReader(NpgsqlDataSource dataSource)
{
    public async Task<QualityView> ReadAsync(string runId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A host without the warehouse's migrations (or a database from before them) has no quality schema.
        await using (var exists = new NpgsqlCommand("select to_regclass('quality.check_result') is not null", connection))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return new QualityView(false, []);
            }
        }

        await using var command = new NpgsqlCommand(
            """
            select stage, check_name, passed, observed, expected, blocking, details, checked_at
            from quality.check_result
            where run_id = @run_id
            order by case stage when 'staging' then 1 when 'normalize' then 2 when 'mart' then 3 else 4 end, check_name
            """,
            connection);
        command.Parameters.AddWithValue("run_id", runId);
        var checks = new List<QualityCheckView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            checks.Add(new QualityCheckView(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetDecimal(3),
                reader.IsDBNull(4) ? null : reader.GetDecimal(4),
                reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return new QualityView(checks.Count > 0, checks);
    }
}
