using Vinted.Pipeline.Orchestrators;

namespace Vinted.Pipeline.Tests;

/// <summary>How a search's pages after page 1 are cut into <see cref="SearchIngestion.PagesPerStep"/>-page steps.</summary>
public sealed class PageRangesTests
{
    [Theory]
    [InlineData(1, "")]
    [InlineData(2, "2-2")]
    [InlineData(9, "2-9")]
    [InlineData(10, "2-6 7-10")]
    [InlineData(18, "2-7 8-13 14-18")]
    public void Ranges_PagesAfterTheFirst_FewestStepsOfNearlyEqualSize(int last, string expected) =>
        Assert.Equal(expected, string.Join(' ', SearchIngestion.Ranges(2, last).Select(r => $"{r.First}-{r.Last}")));

    [Fact]
    public void Ranges_ALongSearch_EveryPageOnceInOrderAndNoStepOverTheCap()
    {
        var ranges = SearchIngestion.Ranges(2, 5_205).ToList();

        Assert.Equal(Enumerable.Range(2, 5_204), ranges.SelectMany(r => r.Pages));
        Assert.Equal((5_204 + SearchIngestion.PagesPerStep - 1) / SearchIngestion.PagesPerStep, ranges.Count);
        Assert.All(ranges, r => Assert.InRange(r.Count, SearchIngestion.PagesPerStep - 1, SearchIngestion.PagesPerStep));
    }
}
