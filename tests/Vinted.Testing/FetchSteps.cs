using System.Globalization;
using Vinted.Orchestration.Client;

namespace Vinted.Testing;

/// <summary>
/// The page fetches among a run's steps: page 1 of each search is a <c>FetchPage</c> step tagged <c>page-1</c>, the
/// other pages <c>FetchPages</c> steps tagged with their range (<c>pages-2-9</c>).
/// </summary>
public static class FetchSteps
{
    public static bool IsFetch(ActivityStep step) => step.Name is "FetchPage" or "FetchPages";

    /// <summary>How many pages a fetch step fetched, from its tag.</summary>
    public static int PageCount(ActivityStep step)
    {
        var bounds = step.Step.Split('-')[1..].Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
        return bounds[^1] - bounds[0] + 1;
    }
}
