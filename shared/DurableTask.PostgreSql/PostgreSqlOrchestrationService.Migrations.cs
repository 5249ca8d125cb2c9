using DurableTask.PostgreSql.Storage;

namespace DurableTask.PostgreSql;

// Least privilege: the migrations are a deployment step run by the schema's owner; hosts may run with DML rights only
// (ApplyMigrations = false), and then only check that the hub matches their code.
public sealed partial class PostgreSqlOrchestrationService
{
    /// <summary>
    /// Creates the hub's schema and applies the embedded migrations (forward only, under an advisory lock), whatever
    /// <see cref="PostgreSqlOrchestrationServiceSettings.ApplyMigrations"/> says: the step a deployment runs with a role
    /// that may create the schema. A role without those rights gets an <see cref="InvalidOperationException"/> saying so.
    /// </summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => SchemaMigrator.MigrateAsync(_dataSource, _settings.SchemaName, cancellationToken);

    private Task VerifySchemaAsync(bool recreateInstanceStore) =>
        recreateInstanceStore
            ? throw new InvalidOperationException("Recreating the task hub drops its schema, which a host with ApplyMigrations = false does not do: call DeleteAsync and MigrateAsync with an owner role.")
            : SchemaMigrator.VerifyAsync(_dataSource, _settings.SchemaName, CancellationToken.None);
}
