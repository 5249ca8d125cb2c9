using System.Text.Json;
using Vinted.SelfHost.Cli;
using Vinted.Orchestration.Engine;
using Vinted.Pipeline.Models;

namespace Vinted.SelfHost.Tests;

public sealed class BackfillInputTests
{
    [Fact]
    public void Read_ValidRange_Kept()
    {
        var input = JsonSerializer.Deserialize<BackfillInput>("""{"from":"2026-10-01","to":"2026-10-30"}""", EngineJson.Options)!;
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 30)), (input.From, input.To));
    }

    [Theory]
    [InlineData("""{"from":"2026-10-30","to":"2026-10-01"}""", "'to' (2026-10-01) is before 'from'")]
    [InlineData("""{"to":"2026-10-01"}""", "'from' and 'to' are required")]
    [InlineData("""{"from":"2025-01-01","to":"2026-10-01"}""", "spans more than 366 days")]
    public void Read_BadRange_ThrowsNamingTheField(string json, string message)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => JsonSerializer.Deserialize<BackfillInput>(json, EngineJson.Options));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseCommandLine_RangeAndSettings_Read()
    {
        var (input, settings) = BackfillCommand.Parse(["--from", "2026-10-01", "--to", "2026-10-03", "--Warehouse:MaxRejectShare=0.02"]);
        Assert.Equal((new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 3), "cli"), (input.From, input.To, input.Trigger));
        Assert.Equal(["--Warehouse:MaxRejectShare=0.02"], settings);
    }

    [Theory]
    [InlineData("--from", "2026-10-01")]
    [InlineData("--from", "2026-10-01", "--to", "1 Oct")]
    [InlineData("--from", "2026-10-03", "--to", "2026-10-01")]
    [InlineData("--since", "2026-10-01")]
    public void ParseCommandLine_Bad_ThrowsWithUsage(params string[] args)
    {
        Assert.ThrowsAny<ArgumentException>(() => BackfillCommand.Parse(args));
    }
}
