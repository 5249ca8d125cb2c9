using Microsoft.Extensions.Logging.Abstractions;
using Vinted.Platform.Postgres;

namespace Vinted.Platform.Tests;

public sealed class SqlMigratorTests : IAsyncLifetime
{
    private const string Component = "platform-test";
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    private SqlMigrator NewMigrator() => new(_database.DataSource, NullLogger<SqlMigrator>.Instance);

    [Fact]
    public async Task Migrate_FreshDatabase_AppliesEveryScriptInOrderOnceWithItsChecksum()
    {
        Assert.Equal(2, await NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component));
        Assert.Equal(0, await NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component));

        Assert.Equal("red", await _database.ScalarAsync<string>("select colour from platform_test.widget where id = 1"));
        Assert.Equal(2L, await _database.ScalarAsync<long>(
            "select count(*) from public.schema_migrations where component = 'platform-test' and checksum ~ '^[0-9a-f]{64}$'"));
    }

    [Fact]
    public async Task Migrate_ManyHostsAtOnce_EachScriptRunsOnce()
    {
        var applied = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component))));

        Assert.Equal(2, applied.Sum());
        Assert.Equal(1L, await _database.ScalarAsync<long>("select count(*) from platform_test.widget"));
    }

    [Fact]
    public async Task Migrate_ScriptChangedAfterItWasApplied_RefusesNamingTheScript()
    {
        await NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component);
        // As if 0001 had been edited since: the stored checksum no longer matches the script's.
        await _database.ScalarAsync<object>(
            "update public.schema_migrations set checksum = repeat('0', 64) where component = 'platform-test' and version = '0001_widgets'");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component));

        Assert.Contains("platform-test/0001_widgets", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrate_AppliedBeforeChecksumsWereKept_AdoptsTheScriptAsItIs()
    {
        await NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component);
        await _database.ScalarAsync<object>("update public.schema_migrations set checksum = null where component = 'platform-test'");

        Assert.Equal(0, await NewMigrator().MigrateAsync(typeof(SqlMigratorTests).Assembly, Component));

        Assert.Equal(0L, await _database.ScalarAsync<long>(
            "select count(*) from public.schema_migrations where component = 'platform-test' and checksum is null"));
    }
}
