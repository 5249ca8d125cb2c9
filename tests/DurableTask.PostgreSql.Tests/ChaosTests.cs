using System.Diagnostics;
using System.Text.RegularExpressions;
using DurableTask.Core;
using DurableTask.PostgreSql.TestHost;
using DurableTask.PostgreSql.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace DurableTask.PostgreSql.Tests;

/// <summary>
/// Issue 23's chaos test: a 2,000-activity fan-out and a chain of sub-orchestrations on three host processes while the
/// database's backends are terminated at random, PostgreSQL restarts once, one host is frozen (SIGSTOP) for twice the
/// lease and another is killed (SIGKILL) and started again. Every instance must complete with the right result; each
/// activity execution leaves a row, and the test prints how many ran twice and why. It restarts PostgreSQL, so it runs
/// on a cluster of its own.
/// </summary>
public sealed partial class ChaosTests(ITestOutputHelper output)
{
    private const string Schema = "dt_chaos";
    private const int LeaseSeconds = 10;
    private const int FanOutCount = 2000;
    private const int ChainDepth = 30;
    private static readonly TimeSpan ChaosTime = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task FanOutAndSubOrchestrationChain_UnderTerminatedBackendsRestartStoppedAndKilledHosts_CompleteWithEveryCallRecorded()
    {
        await using var postgres = await OwnPostgres.StartAsync();
        var settings = new PostgreSqlOrchestrationServiceSettings { ConnectionString = $"{postgres.ConnectionString};Application Name=dtpg-test", SchemaName = Schema };
        await using var service = new PostgreSqlOrchestrationService(settings);
        await service.CreateAsync(recreateInstanceStore: true);
        await using var test = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.ConnectionString) { SearchPath = Schema }.ConnectionString);
        await using (var create = test.CreateCommand(Sql.EffectsTable))
        {
            await create.ExecuteNonQueryAsync();
        }

        HostProcess Host(string name) => HostProcess.Start(name, postgres.ConnectionString, Schema, LeaseSeconds, maxActivities: 8);
        var hosts = new List<HostProcess> { Host("a"), Host("b"), Host("c") };
        var chaos = new List<string>();
        try
        {
            var client = new TaskHubClient(service);
            var fanOut = await client.CreateOrchestrationInstanceAsync(
                NameVersionHelper.GetDefaultName(typeof(FanOut)), "", "fan-out", new FanOutInput(FanOutCount, 300));
            var chain = await client.CreateOrchestrationInstanceAsync(
                NameVersionHelper.GetDefaultName(typeof(Chain)), "", "chain", new ChainInput("chain", ChainDepth, 200));

            // The chaos, on a schedule from the moment the fan-out's calls run (its first turn, 2,000 calls scheduled,
            // takes a while on a loaded machine): the restart and the kill come early, so that they happen while the
            // work runs even on a fast machine, and apart from the freeze, so that each re-run can be told apart;
            // backends are terminated throughout.
            var total = Stopwatch.StartNew();
            await WaitForEffectsAsync(test, 50);
            var clock = Stopwatch.StartNew();
            var (killed, stopped, thawed, restarted) = (false, false, false, false);
            var random = new Random(23);
            var lease = TimeSpan.FromSeconds(LeaseSeconds);
            (DateTime From, DateTime To) restartWindow = default, freezeWindow = default;
            var terminated = 0;
            while (clock.Elapsed < ChaosTime || (stopped && !thawed))
            {
                if (!restarted && clock.Elapsed > TimeSpan.FromSeconds(3))
                {
                    // A call that ran within a lease of the restart and ran again is the restart's doing.
                    var from = DateTime.UtcNow - lease;
                    await postgres.RestartAsync();
                    restartWindow = (from, DateTime.UtcNow + lease);
                    chaos.Add($"{clock.Elapsed.TotalSeconds:F0} s: PostgreSQL restarted");
                    restarted = true;
                }

                if (!killed && clock.Elapsed > TimeSpan.FromSeconds(8))
                {
                    await hosts[2].KillAsync();
                    hosts.Add(Host("c2"));
                    chaos.Add($"{clock.Elapsed.TotalSeconds:F0} s: SIGKILL c, started c2");
                    killed = true;
                }

                if (!stopped && clock.Elapsed > TimeSpan.FromSeconds(25))
                {
                    await hosts[1].SignalAsync("STOP");
                    freezeWindow = (DateTime.UtcNow - lease, DateTime.MaxValue);
                    chaos.Add($"{clock.Elapsed.TotalSeconds:F0} s: SIGSTOP b");
                    stopped = true;
                }

                if (stopped && !thawed && DateTime.UtcNow > freezeWindow.From + lease + (2 * lease))
                {
                    await hosts[1].SignalAsync("CONT");
                    freezeWindow.To = DateTime.UtcNow;
                    chaos.Add($"{clock.Elapsed.TotalSeconds:F0} s: SIGCONT b");
                    thawed = true;
                }

                terminated += await TerminateRandomBackendsAsync(test, random);
                if (clock.Elapsed > ChaosTime && thawed)
                {
                    break;
                }

                if (await BothDoneAsync(client, fanOut, chain) && thawed)
                {
                    chaos.Add($"{clock.Elapsed.TotalSeconds:F0} s: both instances done; chaos ends");
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(500, 2500)));
            }

            chaos.Add($"{terminated} backends terminated");
            output.WriteLine(string.Join(Environment.NewLine, chaos));

            var fanOutState = await WaitAsync(client, fanOut, hosts);
            var chainState = await WaitAsync(client, chain, hosts);
            output.WriteLine($"finished {clock.Elapsed.TotalSeconds:F0} s after the chaos began, {total.Elapsed.TotalSeconds:F0} s after the start");
            Assert.Equal(OrchestrationStatus.Completed, fanOutState.OrchestrationStatus);
            Assert.Equal(FanOutCount.ToString(System.Globalization.CultureInfo.InvariantCulture), fanOutState.Output);
            Assert.Equal(OrchestrationStatus.Completed, chainState.OrchestrationStatus);
            Assert.Equal(ChainDepth.ToString(System.Globalization.CultureInfo.InvariantCulture), chainState.Output);
            Assert.True(killed && stopped && thawed && restarted, string.Join("; ", chaos));

            var executions = await ReadEffectsAsync(test);
            Assert.Equal(FanOutCount + ChainDepth, executions.Select(e => e.Key).Distinct().Count());

            // A frozen or killed host may legitimately run a call twice; a database blip must not (issue 23).
            Assert.Equal(0, Report(executions, hosts, restartWindow, freezeWindow));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    /// <summary>Waits (generously: a loaded machine) until <paramref name="count"/> activity executions are recorded.</summary>
    private static async Task WaitForEffectsAsync(NpgsqlDataSource test, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        await using var command = test.CreateCommand("select count(*) from effects");
        while ((long)(await command.ExecuteScalarAsync())! < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} activity executions after two minutes");
            await Task.Delay(200);
        }
    }

    /// <summary>Ends one to three random backends of the hosts (never the test's own); the database may be restarting.</summary>
    private static async Task<int> TerminateRandomBackendsAsync(NpgsqlDataSource test, Random random)
    {
        try
        {
            await using var command = test.CreateCommand(
                """
                select count(*) from (
                    select pg_terminate_backend(pid) from pg_stat_activity
                    where application_name like 'dtpg-%' and application_name <> 'dtpg-test'
                    order by random() limit @count) t
                """);
            command.Parameters.Add(new NpgsqlParameter<int>("count", random.Next(1, 4)));
            return (int)(long)(await command.ExecuteScalarAsync())!;
        }
        catch (NpgsqlException)
        {
            test.Clear();
            return 0;
        }
    }

    private static async Task<bool> BothDoneAsync(TaskHubClient client, OrchestrationInstance a, OrchestrationInstance b)
    {
        try
        {
            return await IsDoneAsync(client, a) && await IsDoneAsync(client, b);
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    private static async Task<bool> IsDoneAsync(TaskHubClient client, OrchestrationInstance instance) =>
        (await client.GetOrchestrationStateAsync(instance.InstanceId))?.OrchestrationStatus is OrchestrationStatus.Completed or OrchestrationStatus.Failed;

    private static async Task<OrchestrationState> WaitAsync(TaskHubClient client, OrchestrationInstance instance, List<HostProcess> hosts)
    {
        var state = await client.WaitForOrchestrationAsync(instance, TimeSpan.FromMinutes(2));
        Assert.True(state is not null, $"{instance.InstanceId} did not finish; hosts' last output:\n{string.Join("\n", hosts.Select(h => Tail(h.Output)))}");
        return state;
    }

    private static string Tail(string text) => string.Join("\n", text.Split('\n').TakeLast(15));

    private sealed record Execution(string Key, string Host, DateTime At);

    private static async Task<List<Execution>> ReadEffectsAsync(NpgsqlDataSource test)
    {
        await using var command = test.CreateCommand("select key, host, at from effects order by id");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Execution>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Execution(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return rows;
    }

    /// <summary>
    /// Prints the calls that ran more than once with their likely cause: a run on the frozen host (b) or the killed one
    /// (c); a first run while b was frozen (b may hold a lock or the NOTIFY queue others' commits wait for); a first
    /// run within a lease of the PostgreSQL restart; else a terminated backend. Also counts the hosts' provider events
    /// that tell why (transient retries, dropped stale results, lost leases, redeliveries).
    /// </summary>
    /// <returns>How many calls ran more than once because of the database (the restart or a terminated backend): the goal is none.</returns>
    private int Report(List<Execution> executions, List<HostProcess> hosts, (DateTime From, DateTime To) restart, (DateTime From, DateTime To) freeze)
    {
        static bool Within(DateTime at, (DateTime From, DateTime To) window) => at >= window.From && at <= window.To;
        var twice = executions.GroupBy(e => e.Key).Where(g => g.Count() > 1)
            .Select(g => (Key: g.Key, Runs: g.ToList(), Cause:
                g.Any(e => e.Host == "b") ? "a run on b (SIGSTOP: its lease expired meanwhile)"
                : g.Any(e => e.Host == "c") ? "a run on c (SIGKILL)"
                : Within(g.First().At, freeze) ? "first run while b was frozen"
                : Within(g.First().At, restart) ? "database: PostgreSQL restart"
                : "database: a terminated backend"))
            .ToList();
        output.WriteLine(
            $"{executions.Count} executions of {executions.Select(e => e.Key).Distinct().Count()} calls; {twice.Count} ran more than once: " +
            string.Join("; ", twice.GroupBy(t => t.Cause).Select(c => $"{c.Count()} {c.Key}")));
        var database = twice.Where(t => t.Cause.StartsWith("database", StringComparison.Ordinal)).ToList();
        foreach (var (key, runs, cause) in twice.Where(t => t.Runs.All(e => e.Host is not ("b" or "c"))).Take(12))
        {
            output.WriteLine($"  {key} ({cause}): {string.Join(", ", runs.Select(e => $"{e.Host} at {e.At:HH:mm:ss.fff}"))}");
        }

        output.WriteLine($"restart window {restart.From:HH:mm:ss}-{restart.To:HH:mm:ss}, freeze window {freeze.From:HH:mm:ss}-{freeze.To:HH:mm:ss}");
        var events = hosts.SelectMany(h => LogLine().Matches(h.Output)).GroupBy(m => m.Groups["id"].Value).OrderBy(g => int.Parse(g.Key, System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine("provider events (id: count): " + string.Join(", ", events.Select(g => $"{g.Key}: {g.Count()}")));
        return database.Count;
    }

    [GeneratedRegex(@"^log \S+ (?<id>\d+) ", RegexOptions.Multiline)]
    private static partial Regex LogLine();
}
