using DurableTask.Core;
using DurableTask.PostgreSql.Tests.Infrastructure;
using Npgsql;

namespace DurableTask.PostgreSql.Tests;

/// <summary>
/// Issue 23, least privilege: the owner migrates the hub (MigrateAsync); a host whose role has only USAGE on the schema
/// and DML on its tables and sequences runs orchestrations with ApplyMigrations = false, and cannot migrate.
/// </summary>
public sealed class LeastPrivilegeTests(HubSchema schema) : IClassFixture<HubSchema>, IAsyncLifetime
{
    private readonly string _role = $"dt_runner_{Guid.NewGuid():N}"[..22];

    public async Task InitializeAsync()
    {
        var owner = new PostgreSqlOrchestrationService(new PostgreSqlOrchestrationServiceSettings { ConnectionString = TestDatabase.ConnectionString, SchemaName = schema.Name });
        await using (owner)
        {
            await owner.DeleteAsync();
            await owner.MigrateAsync();
        }

        // The grants the package README documents for a running host.
        await TestDatabase.ExecuteAsync(
            $"""
            create role {_role} login;
            grant usage on schema {schema.Name} to {_role};
            grant select, insert, update, delete on all tables in schema {schema.Name} to {_role};
            grant usage on all sequences in schema {schema.Name} to {_role};
            """);
    }

    public Task DisposeAsync() => TestDatabase.ExecuteAsync($"drop owned by {_role}; drop role {_role};");

    [Fact]
    public async Task DmlOnlyRole_WithApplyMigrationsOff_RunsAnOrchestrationOnAHubTheOwnerMigrated()
    {
        await using var hub = await TestHub.StartAsync(
            schema, [typeof(CallShout)], [typeof(Shout)], configure: s => s with { ConnectionString = RunnerConnection(), ApplyMigrations = false }, recreate: false);

        var instance = await hub.Client.CreateOrchestrationInstanceAsync(typeof(CallShout), "hello");
        var state = await hub.WaitAsync(instance);

        Assert.Equal(OrchestrationStatus.Completed, state.OrchestrationStatus);
        Assert.Equal("\"HELLO!\"", state.Output);

        // The role really has no DDL rights, so the run above proves that DML is enough.
        Assert.False(await schema.ScalarAsync<bool>(
            "select has_schema_privilege(@role, current_schema(), 'CREATE') or has_database_privilege(@role, current_database(), 'CREATE')",
            new NpgsqlParameter<string>("role", _role)));
    }

    [Fact]
    public async Task DmlOnlyRole_Migrating_FailsSayingAnOwnerMustMigrate()
    {
        await using var service = new PostgreSqlOrchestrationService(
            new PostgreSqlOrchestrationServiceSettings { ConnectionString = RunnerConnection(), SchemaName = schema.Name });

        var fromCreate = await Assert.ThrowsAsync<InvalidOperationException>(service.CreateIfNotExistsAsync);
        var fromMigrate = await Assert.ThrowsAsync<InvalidOperationException>(() => service.MigrateAsync());

        foreach (var error in new[] { fromCreate, fromMigrate })
        {
            Assert.Contains("may not migrate", error.Message, StringComparison.Ordinal);
            Assert.Contains("permission denied", error.Message, StringComparison.Ordinal);
            Assert.Contains("ApplyMigrations = false", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ApplyMigrationsOff_OnAHubNotMigrated_FailsNamingTheStepToRun()
    {
        await using var service = new PostgreSqlOrchestrationService(
            new PostgreSqlOrchestrationServiceSettings { ConnectionString = TestDatabase.ConnectionString, SchemaName = $"{schema.Name}_none", ApplyMigrations = false });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(service.CreateIfNotExistsAsync);

        Assert.Contains("migrate it first with an owner role (MigrateAsync)", error.Message, StringComparison.Ordinal);
    }

    private string RunnerConnection() => new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { Username = _role, Password = null }.ConnectionString;

    internal sealed class CallShout : TaskOrchestration<string, string>
    {
        public override Task<string> RunTask(OrchestrationContext context, string input) => context.ScheduleTask<string>(typeof(Shout), input);
    }

    internal sealed class Shout : TaskActivity<string, string>
    {
        protected override string Execute(TaskContext context, string input) => input.ToUpperInvariant() + "!";
    }
}
