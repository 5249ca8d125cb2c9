// The insight page: filters from GET /api/insights/filters, five plotly charts from the other insight
// endpoints. The filters live in the address (?domain=&currency=...), so a view can be bookmarked or shared.
import { getJson, showError, number } from './common.js';

const Plotly = window.Plotly;
const form = document.getElementById('filters');
const error = document.getElementById('insights-error');
const config = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['select2d', 'lasso2d'] };
const baseLayout = { margin: { l: 60, r: 60, t: 30, b: 60 }, font: { size: 12 }, legend: { orientation: 'h', x: 0, y: 1.12 }, hovermode: 'x unified' };
let firstDate = null;

/** A date axis with one tick per day on short ranges (plotly would add 12:00 ticks), its own choice on long ones. */
function dateAxis(x) {
  return { type: 'date', tickformat: '%d %b %Y', dtick: x.length <= 14 ? 86400000 : undefined, hoverformat: '%a %d %b %Y' };
}

function option(value, label) {
  const node = document.createElement('option');
  node.value = value;
  node.textContent = label;
  return node;
}

async function setUp() {
  const filters = await getJson('/api/insights/filters');
  firstDate = filters.firstDate;
  const domains = [...new Set(filters.domains.map((d) => d.domain))];
  form.domain.append(...domains.map((d) => option(d, `${d} (${filters.domains.filter((x) => x.domain === d).map((x) => x.currency).join(', ')})`)));
  form.currency.append(...filters.currencies.map((c) => option(c, c)));
  form.brand.append(...filters.brands.map((b) => option(b.name, `${b.name} (${number(b.listings)})`)));
  form.catalog.append(...filters.catalogs.map((c) => option(String(c.id), `${c.id} (${number(c.listings)})`)));
  if (filters.lastDate) {
    const last = new Date(filters.lastDate);
    const first = new Date(last);
    first.setUTCDate(first.getUTCDate() - 89);
    form.to.value = filters.lastDate;
    form.from.value = filters.firstDate > first.toISOString().slice(0, 10) ? filters.firstDate : first.toISOString().slice(0, 10);
  }
  // The address wins over the defaults.
  const address = new URLSearchParams(location.search);
  for (const name of ['domain', 'currency', 'brand', 'catalog', 'from', 'to']) {
    if (address.has(name)) form[name].value = address.get(name);
  }
}

function query() {
  const params = new URLSearchParams();
  for (const name of ['domain', 'currency', 'brand', 'catalog', 'from', 'to']) {
    if (form[name].value) params.set(name, form[name].value);
  }
  return params;
}

function empty(id, message) {
  const node = document.getElementById(id);
  Plotly.purge(node);
  node.dataset.points = '0';
  node.innerHTML = `<div class="empty">${message}</div>`;
}

function draw(id, traces, layout) {
  const node = document.getElementById(id);
  const points = traces.reduce((n, t) => n + (t.x?.length ?? 0), 0);
  if (points === 0) {
    empty(id, 'No data for these filters.');
    return;
  }
  node.querySelector('.empty')?.remove();
  node.dataset.points = String(points);
  return Plotly.react(node, traces, { ...baseLayout, ...layout }, config);
}

function priceTrend(data) {
  const x = data.points.map((p) => p.date);
  const c = data.currency;
  return draw('chart-price-trend', [
    { x, y: data.points.map((p) => p.p75), name: `p75 (${c})`, mode: 'lines', line: { width: 0 }, hoverinfo: 'y+name', showlegend: false },
    { x, y: data.points.map((p) => p.p25), name: `p25–p75 (${c})`, mode: 'lines', line: { width: 0 }, fill: 'tonexty', fillcolor: 'rgba(0,119,130,0.18)', hoverinfo: 'y+name' },
    { x, y: data.points.map((p) => p.median), name: `median (${c})`, mode: 'lines+markers', line: { color: '#007782', width: 2 } },
  ], { yaxis: { title: { text: c }, rangemode: 'tozero' }, xaxis: dateAxis(x) });
}

function priceDistribution(data) {
  return draw('chart-price-distribution', [{
    type: 'bar',
    x: data.bins.map((b) => (b.lower + b.upper) / 2),
    width: data.bins.map((b) => Math.max(b.upper - b.lower, 0.01) * 0.95),
    y: data.bins.map((b) => b.listings),
    customdata: data.bins.map((b) => [b.lower, b.upper]),
    hovertemplate: `%{customdata[0]}–%{customdata[1]} ${data.currency}: %{y} listings<extra></extra>`,
    marker: { color: '#5cc8d0' },
    name: data.currency,
  }], { xaxis: { title: { text: `asking price (${data.currency})` } }, yaxis: { title: { text: 'listings' } }, hovermode: 'closest', bargap: 0 });
}

function newVsVanished(data) {
  const x = data.days.map((d) => d.date);
  // On the first day of the data every listing is new: that bar would flatten all the others.
  const fresh = data.days.map((d) => (d.date === firstDate ? null : d.new));
  const annotations = data.days.some((d) => d.date === firstDate)
    ? [{ x: firstDate, y: 0, yref: 'paper', yanchor: 'bottom', text: 'first day:<br>all new', showarrow: false, font: { size: 10, color: '#66707a' } }]
    : [];
  return draw('chart-new-vs-vanished', [
    { type: 'bar', x, y: fresh, name: 'new', marker: { color: '#1a7f37' } },
    { type: 'bar', x, y: data.days.map((d) => d.vanished), name: 'vanished (sold or withdrawn)', marker: { color: '#c62828' } },
    { type: 'scatter', mode: 'lines+markers', x, y: data.days.map((d) => d.listings), name: 'listings seen', yaxis: 'y2', line: { color: '#66707a', dash: 'dot' } },
    // Left a capped search: not known to be sold, so never counted with the vanished.
    { type: 'bar', x, y: data.days.map((d) => d.outOfView), name: 'out of view', marker: { color: '#b0b7bf' } },
  ], {
    barmode: 'group', annotations, xaxis: dateAxis(x), yaxis: { title: { text: 'new / vanished / out of view' }, rangemode: 'tozero' },
    yaxis2: { overlaying: 'y', side: 'right', title: { text: 'listings seen' }, showgrid: false, rangemode: 'tozero' },
  });
}

function vanishedOutcome(data) {
  const x = data.days.map((d) => d.date);
  // Stacked: the three add up to the day's vanished listings. Unknown = not looked up (above the sample) or the page said nothing clear.
  return draw('chart-vanished-outcome', [
    { type: 'bar', x, y: data.days.map((d) => d.sold), name: 'sold', marker: { color: '#1a7f37' } },
    { type: 'bar', x, y: data.days.map((d) => d.withdrawn), name: 'withdrawn', marker: { color: '#b26a00' } },
    { type: 'bar', x, y: data.days.map((d) => d.unknown), name: 'unknown', marker: { color: '#b0b7bf' } },
  ], { barmode: 'stack', xaxis: dateAxis(x), yaxis: { title: { text: 'vanished listings' }, rangemode: 'tozero' } });
}

function timeToSell(data) {
  return draw('chart-time-to-sell', [
    { type: 'bar', x: data.fromFirstSeen.map((d) => d.days), y: data.fromFirstSeen.map((d) => d.listings), name: 'days since first seen', marker: { color: '#007782' }, opacity: 0.8 },
    { type: 'bar', x: data.fromListed.map((d) => d.days), y: data.fromListed.map((d) => d.listings), name: 'days since listed', marker: { color: '#b26a00' }, opacity: 0.6 },
  ], { barmode: 'overlay', xaxis: { title: { text: `days (median ${data.medianDays ?? '–'} since first seen)` } }, yaxis: { title: { text: `sold listings (${data.sold ?? 0} of ${data.vanished} vanished)` } }, hovermode: 'closest' });
}

function topBrands(data) {
  const brands = [...data.brands].reverse();
  return draw('chart-top-brands', [{
    type: 'bar', orientation: 'h',
    y: brands.map((b) => b.brand), x: brands.map((b) => b.listings),
    customdata: brands.map((b) => b.medianPrice),
    hovertemplate: `%{y}: %{x} listings, median %{customdata} ${data.currency}<extra></extra>`,
    marker: { color: '#5cc8d0' }, name: 'listings',
  }], { margin: { l: 140, r: 20, t: 10, b: 50 }, xaxis: { title: { text: 'listings' } }, hovermode: 'closest' });
}

const charts = [
  ['chart-price-trend', (q) => `/api/insights/price-trend?${q}`, priceTrend],
  ['chart-price-distribution', (q) => `/api/insights/price-distribution?${q}&bins=30`, priceDistribution],
  ['chart-new-vs-vanished', (q) => `/api/insights/new-vs-vanished?${q}`, newVsVanished],
  ['chart-vanished-outcome', (q) => `/api/insights/new-vs-vanished?${q}`, vanishedOutcome],
  ['chart-time-to-sell', (q) => `/api/insights/time-to-sell?${q}`, timeToSell],
  ['chart-top-brands', (q) => `/api/insights/top-brands?${q}&top=15`, topBrands],
];
let generation = 0;

/** Loads every chart's data, then draws them all, unless a newer change of the filters came meanwhile. */
async function refresh() {
  const mine = ++generation;
  const q = query();
  history.replaceState(null, '', `${location.pathname}?${q}`);
  document.body.dataset.loading = 'true';
  const results = await Promise.allSettled(charts.map(([, url]) => getJson(url(q))));
  if (mine !== generation) return;
  const drawn = await Promise.allSettled(results.map((r, i) => (r.status === 'fulfilled' ? charts[i][2](r.value) : empty(charts[i][0], 'Could not load.'))));
  const failed = [...results, ...drawn].find((r) => r.status === 'rejected');
  showError(error, failed ? failed.reason : null);
  document.body.dataset.loading = 'false';
  document.body.dataset.loaded = String(mine);
}

try {
  await setUp();
  if (!form.currency.value) {
    for (const [id] of charts) {
      empty(id, 'No data in the mart yet: run the pipeline.');
    }
  } else {
    await refresh();
  }
} catch (e) {
  showError(error, e);
}
form.addEventListener('change', refresh);
form.addEventListener('submit', (e) => { e.preventDefault(); refresh(); });
