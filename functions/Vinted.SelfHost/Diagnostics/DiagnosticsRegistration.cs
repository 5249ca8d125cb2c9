using Vinted.Platform.Postgres;
using Vinted.Orchestration;
using Vinted.Orchestration.Http;

namespace Vinted.SelfHost.Diagnostics;

/// <summary>Registers the fan-out probe and its schema (only when <see cref="EnabledKey"/> is true).</summary>
public static class DiagnosticsRegistration
{
    /// <summary>The setting that turns the diagnostics on: off, the probe is neither registered nor startable.</summary>
    public const string EnabledKey = "Diagnostics:Enabled";

    public static DurableTaskEngineBuilder AddDiagnostics(this DurableTaskEngineBuilder builder)
    {
        builder.Services.AddHostedService<DiagnosticsMigration>();
        return builder
            .AllowHttpStart<FanOutProbe>()
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
