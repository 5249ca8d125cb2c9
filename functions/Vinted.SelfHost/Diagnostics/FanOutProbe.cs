using System.ComponentModel.DataAnnotations;
using Microsoft.DurableTask;
using Npgsql;

namespace Vinted.SelfHost.Diagnostics;

/// <summary>What the probe fans out: <see cref="Count"/> activities that each take <see cref="DelayMs"/>.</summary>
public sealed record ProbeInput([property: Range(1, 100_000)] int Count, [property: Range(0, 60_000)] int DelayMs = 0);

/// <summary>The probe's outcome as read back from PostgreSQL: every item should be there exactly once.</summary>
public sealed record ProbeResult(int Items, int DistinctItems, int TotalAttempts, long SumOfItems);

/// <summary>
/// A self-test of the engine on a live deployment: fans out no-op activities whose effects are
/// rows in PostgreSQL, then reads them back. Used by the crash test and the orchestration benchmark.
/// </summary>
public sealed class FanOutProbe : TaskOrchestrator<ProbeInput, ProbeResult>
{
    public override async Task<ProbeResult> RunAsync(TaskOrchestrationContext context, ProbeInput input)
    {
        await Task.WhenAll(Enumerable.Range(1, input.Count).Select(i => context.CallActivityAsync<int>(nameof(ProbeItem), new ProbeItemInput(i, input.DelayMs))));
        context.SetCustomStatus(new { fannedOut = input.Count });
        return await context.CallActivityAsync<ProbeResult>(nameof(ProbeSummary), input.Count);
    }
}

public sealed record ProbeItemInput(int Item, int DelayMs);

/// <summary>Records its item; running it again only bumps the attempt count (idempotent effect).</summary>
public sealed class ProbeItem(NpgsqlDataSource dataSource, TimeProvider time) : TaskActivity<ProbeItemInput, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, ProbeItemInput input)
    {
        var cancellationToken = CancellationToken.None;
        if (input.DelayMs > 0)
        {
            await Task.Delay(input.DelayMs, cancellationToken);
        }

        await using var command = dataSource.CreateCommand(
            """
            insert into diagnostics.probe_effects (instance_id, item, attempts, first_at, last_at)
            values (@instance, @item, 1, @now, @now)
            on conflict (instance_id, item) do update set attempts = probe_effects.attempts + 1, last_at = @now
            """);
        command.Parameters.AddWithValue("instance", context.InstanceId);
        command.Parameters.AddWithValue("item", input.Item);
        command.Parameters.AddWithValue("now", time.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return input.Item;
    }
}

/// <summary>Reads the probe's effects back.</summary>
public sealed class ProbeSummary(NpgsqlDataSource dataSource) : TaskActivity<int, ProbeResult>
{
    public override async Task<ProbeResult> RunAsync(TaskActivityContext context, int input)
    {
        var cancellationToken = CancellationToken.None;
        await using var command = dataSource.CreateCommand(
            "select count(*)::int, count(distinct item)::int, coalesce(sum(attempts), 0)::int, coalesce(sum(item), 0)::bigint from diagnostics.probe_effects where instance_id = @instance");
        command.Parameters.AddWithValue("instance", context.InstanceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ProbeResult(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3));
    }
}
