using Npgsql;

namespace DurableTask.PostgreSql.TestHost;

/// <summary>
/// An activity's side effect: one row in the hub schema's <c>effects</c> table (created by the test) per execution,
/// naming the call's key and the host that ran it, so the test counts what ran twice and where.
/// </summary>
internal static class Effects
{
    private static NpgsqlDataSource? _dataSource;
    private static string _host = "";

    public static void Initialize(HostSettings settings)
    {
        _host = settings.Name;
        var connection = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { SearchPath = settings.Schema, ApplicationName = $"dtpg-effects-{settings.Name}" };
        _dataSource = NpgsqlDataSource.Create(connection.ConnectionString);
    }

    /// <summary>
    /// Records one execution. The write is retried (the chaos test breaks connections and restarts the database) and
    /// keyed by an execution id, so a retry after a lost commit answer does not count the execution twice.
    /// </summary>
    public static async Task RecordAsync(string key)
    {
        var execution = Guid.NewGuid();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var command = _dataSource!.CreateCommand(
                    "insert into effects (execution_id, key, host, pid) values (@execution, @key, @host, @pid) on conflict (execution_id) do nothing");
                command.Parameters.Add(new NpgsqlParameter<Guid>("execution", execution));
                command.Parameters.Add(new NpgsqlParameter<string>("key", key));
                command.Parameters.Add(new NpgsqlParameter<string>("host", _host));
                command.Parameters.Add(new NpgsqlParameter<int>("pid", Environment.ProcessId));
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (NpgsqlException) when (attempt < 240)
            {
                _dataSource!.Clear();
                await Task.Delay(500);
            }
        }
    }
}
