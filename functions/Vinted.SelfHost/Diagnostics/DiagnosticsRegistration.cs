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
        builder.Services.AddMigrationsOnStart(typeof(DiagnosticsRegistration).Assembly, "diagnostics");
        return builder
            .AllowHttpStart<FanOutProbe>()
            .AddOrchestrator<FanOutProbe>()
            .AddActivity<ProbeItem>()
            .AddActivity<ProbeSummary>();
    }
}
