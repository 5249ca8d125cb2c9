using System.Text.Encodings.Web;

namespace Vinted.Monitoring.Pages;

/// <summary>
/// The server-rendered HTML of the pages: a layout (navigation, the one stylesheet) around a page's static markup
/// and its script module. The data comes from the JSON endpoints, read by the module; the server only puts in
/// the values the module needs (as <c>data-*</c> attributes), HTML-encoded.
/// </summary>
public static class PageShell
{
    public static string Render(string title, string active, string body, string script)
    {
        var encodedTitle = HtmlEncoder.Default.Encode(title);
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>{{encodedTitle}} · Vinted pipeline</title>
              <link rel="stylesheet" href="/css/site.css">
            </head>
            <body>
              <header class="top">
                <span class="brand">Vinted pipeline</span>
                <nav>
                  <a href="/runs"{{Current(active, "runs")}}>Runs</a>
                  <a href="/insights"{{Current(active, "insights")}}>Insights</a>
                  <a href="/models"{{Current(active, "models")}}>Price models</a>
                </nav>
              </header>
              <main>
            {{body}}
              </main>
              <script type="module" src="/js/{{script}}"></script>
            </body>
            </html>
            """;
    }

    public static string Attribute(string value) => HtmlEncoder.Default.Encode(value);

    private static string Current(string active, string page) => active == page ? " aria-current=\"page\"" : "";
}
