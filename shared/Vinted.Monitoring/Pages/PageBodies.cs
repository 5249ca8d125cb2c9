namespace Vinted.Monitoring.Pages;

/// <summary>The static markup of each page; the page's module fills it from the JSON endpoints.</summary>
internal static class PageBodies
{
    public const string Runs = """
            <h1>Runs</h1>
            <p class="hint">Runs of the daily pipeline, newest first. The list refreshes every 5 seconds.</p>
            <div id="runs-error" class="error" hidden></div>
            <table id="runs" class="grid">
              <thead>
                <tr>
                  <th>Run</th><th>Status</th><th>Trigger</th><th>Date</th><th>Created</th><th>Duration</th>
                  <th class="num">Searches</th><th class="num">Pages</th><th class="num">Items</th><th class="num">Quarantined</th>
                </tr>
              </thead>
              <tbody><tr><td colspan="10" class="hint">Loading…</td></tr></tbody>
            </table>
            <button id="more" type="button" hidden>Older runs</button>
        """;

    public const string Insights = """
            <h1>Insights</h1>
            <form id="filters" class="filters">
              <label>Domain <select name="domain"><option value="">all</option></select></label>
              <label>Currency <select name="currency"></select></label>
              <label>Brand <select name="brand"><option value="">all</option></select></label>
              <label>Catalog <select name="catalog"><option value="">all</option></select></label>
              <label>From <input type="date" name="from"></label>
              <label>To <input type="date" name="to"></label>
            </form>
            <div id="insights-error" class="error" hidden></div>
            <section class="charts">
              <figure><figcaption>Median asking price (p25–p75 band)</figcaption><div id="chart-price-trend" class="chart"></div></figure>
              <figure><figcaption>Price distribution (each listing once, latest price)</figcaption><div id="chart-price-distribution" class="chart"></div></figure>
              <figure><figcaption>New and vanished listings per day</figcaption><div id="chart-new-vs-vanished" class="chart"></div></figure>
              <figure><figcaption>Vanished listings: sold, withdrawn or unknown (their item page)</figcaption><div id="chart-vanished-outcome" class="chart"></div></figure>
              <figure><figcaption>Days to sell (sold listings only)</figcaption><div id="chart-time-to-sell" class="chart"></div></figure>
              <figure class="wide"><figcaption>Top brands by listings</figcaption><div id="chart-top-brands" class="chart"></div></figure>
            </section>
            <script src="/lib/plotly/plotly.min.js"></script>
        """;

    public const string Models = """
            <h1>Price models</h1>
            <p class="hint">Each currency's model: its versions' errors on their held-out day against the median baseline, and what the production version weighs.</p>
            <div id="models-error" class="error" hidden></div>
            <div id="models"><p class="hint">Loading…</p></div>
            <script src="/lib/plotly/plotly.min.js"></script>
        """;

    /// <param name="encodedId">The run id, already HTML-encoded.</param>
    public static string Run(string encodedId) => $"""
            <p><a href="/runs">← Runs</a></p>
            <h1>Run <code>{encodedId}</code></h1>
            <div id="run" data-run-id="{encodedId}">
              <div id="run-error" class="error" hidden></div>
              <dl id="summary" class="summary"></dl>
              <div id="progress" class="progress" hidden><div class="bar"></div><span class="label"></span></div>
              <div id="actions" class="actions" hidden>
                <button id="terminate" type="button" class="danger" hidden>Terminate</button>
                <button id="rewind" type="button" hidden>Rewind failed steps</button>
                <button id="restart" type="button" hidden>Restart (fetches only missing pages)</button>
                <span id="action-result" class="hint"></span>
              </div>
              <h2>Stages</h2>
              <table id="stages" class="grid">
                <thead>
                  <tr>
                    <th>Stage</th><th>Activity</th><th class="num">Steps</th><th>States</th><th class="num">Attempts</th>
                    <th class="num">Retries</th><th class="num">Median ms</th><th class="num">Max ms</th><th>Errors</th>
                  </tr>
                </thead>
                <tbody></tbody>
              </table>
              <h2>Data quality</h2>
              <div id="quality"></div>
              <h2>Quarantined pages, warnings and incomplete searches</h2>
              <div id="quarantined"></div>
              <h2>Report</h2>
              <pre id="report" class="report"></pre>
            </div>
        """;
}
