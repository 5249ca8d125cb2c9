using Hangfire.Dashboard;
using Vinted.Hosting.Security;

namespace Vinted.Functions.Hosting;

/// <summary>Opens the Hangfire dashboard to any function key (read-only unless it is the admin key).</summary>
internal sealed class DashboardKeyFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => FunctionKeys.LevelOf(context.GetHttpContext()) != KeyLevel.None;
}
