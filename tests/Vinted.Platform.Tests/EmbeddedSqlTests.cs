using System.Text;
using Vinted.Platform.Sql;

namespace Vinted.Platform.Tests;

public sealed class EmbeddedSqlTests
{
    [Fact]
    public void Indexer_PathWithSlashesOrDots_ReadsTheScript()
    {
        var sql = EmbeddedSql.Of<EmbeddedSqlTests>();

        Assert.Contains("create table platform_test.widget", sql["Migrations/0001_widgets"], StringComparison.Ordinal);
        Assert.Same(sql["Migrations/0001_widgets"], sql["Migrations.0001_widgets"]);
    }

    [Fact]
    public void Indexer_MissingScript_SaysWhich()
    {
        var error = Assert.Throws<InvalidOperationException>(() => EmbeddedSql.Of<EmbeddedSqlTests>()["Migrations/0003_missing"]);

        Assert.Contains("Vinted.Platform.Tests.Sql.Migrations.0003_missing.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalized_CrlfCheckout_ReadsAsTheLfText()
    {
        using var crlf = new MemoryStream(Encoding.UTF8.GetBytes("select 1;\r\nselect 2;\r\n"));
        using var lf = new MemoryStream(Encoding.UTF8.GetBytes("select 1;\nselect 2;\n"));

        Assert.Equal(EmbeddedSql.Normalized(lf), EmbeddedSql.Normalized(crlf));
    }
}
