namespace DurableTask.PostgreSql.Tests.Infrastructure;

/// <summary>Statements the process tests share.</summary>
internal static class Sql
{
    /// <summary>The side table of the test host's activities: one row per execution (see DurableTask.PostgreSql.TestHost.Effects).</summary>
    public const string EffectsTable =
        """
        create table if not exists effects (
            id           bigint      generated always as identity primary key,
            execution_id uuid        not null unique,
            key          text        not null,
            host         text        not null,
            pid          integer     not null,
            at           timestamptz not null default clock_timestamp());
        truncate effects;
        """;
}
