using System.Collections.Concurrent;
using System.Globalization;
using Vinted.Simulator.Market;

namespace Vinted.Simulator.Http;

/// <summary>
/// Issues and checks anonymous sessions. A token is <c>sim1.{serial}.{anon}.{mac}</c>: self-validating, so only
/// the use count per token is stored (for expiry after N requests).
/// </summary>
internal sealed class SessionAuthority(SimulatorState state)
{
    private readonly ConcurrentDictionary<long, int> _uses = new();
    private long _serial;

    public (string AccessToken, string RefreshToken, string AnonId) Issue()
    {
        var serial = Interlocked.Increment(ref _serial);
        var anon = AnonId(serial);
        state.Increment("sessions");
        return ($"sim1.{serial}.{anon}.{Mac(serial, anon)}", $"simr.{serial}.{Mac(serial, "refresh")}", anon);
    }

    /// <summary>Null when the token is valid for <paramref name="anonId"/> (when given), else why not.</summary>
    public string? Check(string? token, string? anonId)
    {
        var parts = token?.Split('.') ?? [];
        if (parts is not ["sim1", var serialText, var anon, var mac]
            || !long.TryParse(serialText, NumberStyles.None, CultureInfo.InvariantCulture, out var serial)
            || mac != Mac(serial, anon))
        {
            return "missing or invalid token";
        }

        if (anonId is not null && anonId != anon)
        {
            return "anon id does not match the token";
        }

        var uses = _uses.AddOrUpdate(serial, 1, static (_, n) => n + 1);
        var expiry = state.Faults.SessionExpiryEvery;
        if (expiry > 0 && uses > expiry)
        {
            state.Increment("faults:session_expired");
            return "token expired";
        }

        return null;
    }

    private string AnonId(long serial)
    {
        var hash = Hash.Of((ulong)state.Seed, serial, 70);
        return $"{hash >> 32:x8}-{(hash >> 16) & 0xFFFF:x4}-4{hash & 0xFFF:x3}-a{Hash.Mix(hash) & 0xFFF:x3}-{Hash.Mix(hash + 1) & 0xFFFFFFFFFFFF:x12}";
    }

    private string Mac(long serial, string anon) => $"{Hash.Of((ulong)state.Seed ^ Hash.Of(anon), serial, 71):x16}";
}
