using Spectre.Console;

namespace Vinted.SelfHost.Cli;

/// <summary>The commands' tables, shaped to the console.</summary>
internal static class ConsoleTables
{
    /// <summary>
    /// A row per line when the console is wide enough for every column, else a card per row (its first cell as the
    /// title, a figure per line): a table squeezed below its width cuts headers and breaks values over two lines.
    /// </summary>
    public static void Write(string? title, IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        // A cell's text plus its padding and border: three characters a column, one more for the closing border.
        var width = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max() + 3).Sum() + 1;
        if (width <= AnsiConsole.Profile.Width)
        {
            var table = new Table().AddColumns([.. headers.Select(Markup.Escape)]);
            if (title is not null)
            {
                table.Title = new TableTitle(Markup.Escape(title));
            }

            foreach (var row in rows)
            {
                table.AddRow([.. row.Select(Markup.Escape)]);
            }

            AnsiConsole.Write(table);
            return;
        }

        if (title is not null)
        {
            AnsiConsole.WriteLine(title);
        }

        foreach (var row in rows)
        {
            var card = new Table().HideHeaders().AddColumns("figure", "value");
            card.Title = new TableTitle(Markup.Escape(row[0]));
            for (var i = 1; i < headers.Count; i++)
            {
                card.AddRow(Markup.Escape(headers[i]), Markup.Escape(row[i]));
            }

            AnsiConsole.Write(card);
        }
    }
}
