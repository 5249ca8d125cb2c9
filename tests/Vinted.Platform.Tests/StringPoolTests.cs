using Vinted.Platform.Text;

namespace Vinted.Platform.Tests;

public sealed class StringPoolTests
{
    [Fact]
    public void EqualValues_OneInstance_UntilThePoolIsFull_ThenPassedThrough()
    {
        var pool = new StringPool(capacity: 2);
        var first = pool.Intern(new string('a', 3));
        var second = pool.Intern(new string('b', 3));
        var third = new string('c', 3);

        Assert.Same(first, pool.Intern(new string('a', 3)));
        Assert.Same(second, pool.Intern(new string('b', 3)));
        Assert.Same(third, pool.Intern(third));
        var fourth = new string('c', 3);
        Assert.Same(fourth, pool.Intern(fourth));
    }
}
