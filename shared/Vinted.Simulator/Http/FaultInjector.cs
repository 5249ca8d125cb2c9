using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>The faults one request attempt gets.</summary>
internal enum FaultKind
{
    None,
    ConnectionReset,
    RateLimited,
    ServerError,
    AntiBot,
    MalformedJson,
    TruncatedBody,
    MissingPagination,
    EmptyPage,
}

/// <summary>
/// Decides faults per (seed, request key, attempt number): the same request on its n-th attempt always gets the same
/// fault, whatever else runs concurrently, and attempts past <see cref="SimulatorFaults.MaxFaultedAttempts"/> get none.
/// </summary>
internal static class FaultInjector
{
    public static FaultKind Decide(SimulatorState state, string requestKey, out int attempt)
    {
        attempt = state.NextAttempt(requestKey);
        var faults = state.Faults;
        if (attempt > faults.MaxFaultedAttempts)
        {
            return FaultKind.None;
        }

        var key = Hash.Of(requestKey);
        (FaultKind Kind, double Rate)[] candidates =
        [
            (FaultKind.ConnectionReset, faults.ConnectionResetRate),
            (FaultKind.RateLimited, faults.RateLimitRate),
            (FaultKind.ServerError, faults.ServerErrorRate),
            (FaultKind.AntiBot, faults.AntiBotRate),
            (FaultKind.MalformedJson, faults.MalformedJsonRate),
            (FaultKind.TruncatedBody, faults.TruncatedBodyRate),
            (FaultKind.MissingPagination, faults.MissingPaginationRate),
            (FaultKind.EmptyPage, faults.EmptyPageRate),
        ];
        foreach (var (kind, rate) in candidates)
        {
            if (rate > 0 && Hash.Unit(Hash.Of((ulong)state.Seed ^ key, attempt, 100 + (int)kind)) < rate)
            {
                state.Increment($"faults:{Name(kind)}");
                return kind;
            }
        }

        return FaultKind.None;
    }

    public static string Name(FaultKind kind) => kind switch
    {
        FaultKind.ConnectionReset => "connection_reset",
        FaultKind.RateLimited => "rate_limited",
        FaultKind.ServerError => "server_error",
        FaultKind.AntiBot => "anti_bot",
        FaultKind.MalformedJson => "malformed_json",
        FaultKind.TruncatedBody => "truncated_body",
        FaultKind.MissingPagination => "missing_pagination",
        FaultKind.EmptyPage => "empty_page",
        _ => "none",
    };
}
