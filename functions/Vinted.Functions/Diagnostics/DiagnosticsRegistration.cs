using Vinted.Hosting.Postgres;
using Vinted.Orchestration;

namespace Vinted.Functions.Diagnostics;

/// <summary>Registers the fan-out probe and its schema.</summary>
public static class DiagnosticsRegistration
{
    public static DurableTaskEngineBuilder AddDiagnostics(this DurableTaskEngineBuilder builder)
    {
        builder.Services.AddHostedService<DiagnosticsMigration>();
        return builder
            .AddOrchestrator<FanOutProbe>()
            .AddActivity<ProbeItem>()
            .AddActivity<ProbeSummary>();
    }

    private sealed class DiagnosticsMigration(SqlMigrator migrator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            migrator.MigrateAsync(typeof(DiagnosticsMigration).Assembly, "diagnostics", cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
