// The price model registry page: per model, a chart of MAE and MAPE across versions against the baseline's, the
// versions table (production marked) and the production version's feature importance, from GET /api/price/models.
import { getJson, showError, el, number, time } from './common.js';

const Plotly = window.Plotly;
const error = document.getElementById('models-error');
const root = document.getElementById('models');
const config = { displaylogo: false, responsive: true };
const layout = { margin: { l: 60, r: 60, t: 30, b: 50 }, font: { size: 12 }, legend: { orientation: 'h', x: 0, y: 1.15 } };
const pct = (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
const fixed = (v, d = 2) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));

function chart(id, versions) {
  const x = versions.map((v) => `v${v.version}`);
  Plotly.newPlot(id, [
    { x, y: versions.map((v) => v.mae), name: 'MAE', type: 'scatter', mode: 'lines+markers' },
    { x, y: versions.map((v) => v.baselineMae), name: 'baseline MAE', type: 'scatter', mode: 'lines+markers', line: { dash: 'dot' } },
    { x, y: versions.map((v) => v.mape), name: 'MAPE', type: 'scatter', mode: 'lines+markers', yaxis: 'y2' },
    { x, y: versions.map((v) => v.baselineMape), name: 'baseline MAPE', type: 'scatter', mode: 'lines+markers', yaxis: 'y2', line: { dash: 'dot' } },
  ], { ...layout, yaxis: { title: 'MAE' }, yaxis2: { title: 'MAPE', overlaying: 'y', side: 'right', tickformat: '.0%' } }, config);
  document.getElementById(id).dataset.points = String(versions.length);
}

function importance(id, version) {
  const weights = Object.entries(JSON.parse(version.featureImportance ?? '{}')).sort((a, b) => a[1] - b[1]);
  Plotly.newPlot(id, [{ x: weights.map((w) => w[1]), y: weights.map((w) => w[0]), type: 'bar', orientation: 'h' }],
    { ...layout, margin: { ...layout.margin, l: 120 }, xaxis: { tickformat: '.0%', title: 'share of the gain' } }, config);
  document.getElementById(id).dataset.points = String(weights.length);
}

function table(versions) {
  return el('table', { class: 'grid' },
    el('thead', {}, el('tr', {}, ['Version', 'Alias', 'Created', 'Test day', 'Train rows', 'MAE', 'Baseline MAE', 'MAPE', 'Baseline MAPE', 'R²', 'Beats baseline', 'Code', 'SHA-256']
      .map((h) => el('th', {}, h)))),
    el('tbody', {}, versions.slice().reverse().map((v) => el('tr', {},
      el('td', {}, `v${v.version}`), el('td', {}, v.aliases.join(', ')), el('td', {}, time(v.createdAt)), el('td', {}, v.testDay ?? '–'),
      el('td', { class: 'num' }, number(v.trainRows)), el('td', { class: 'num' }, fixed(v.mae)), el('td', { class: 'num' }, fixed(v.baselineMae)),
      el('td', { class: 'num' }, pct(v.mape)), el('td', { class: 'num' }, pct(v.baselineMape)), el('td', { class: 'num' }, fixed(v.r2, 3)),
      el('td', {}, v.beatsBaseline ? 'yes' : 'no'), el('td', {}, el('code', {}, v.codeVersion)), el('td', {}, el('code', {}, v.sha256.slice(0, 12)))))));
}

async function load() {
  try {
    const versions = await getJson('/api/price/models');
    root.replaceChildren();
    const models = [...new Set(versions.map((v) => v.modelName))];
    if (models.length === 0) {
      root.append(el('p', { class: 'hint' }, 'No model trained yet: ./vinted train, or POST /api/orchestrators/TrainModel.'));
    }
    for (const model of models) {
      const mine = versions.filter((v) => v.modelName === model);
      const production = mine.find((v) => v.aliases.includes('production'));
      root.append(
        el('h2', {}, model, production ? ` (production: v${production.version})` : ' (no production version)'),
        el('section', { class: 'charts' },
          el('figure', {}, el('figcaption', {}, 'Held-out day: model vs baseline, per version'), el('div', { id: `metrics-${model}`, class: 'chart' })),
          el('figure', {}, el('figcaption', {}, `Feature importance${production ? ` (v${production.version})` : ''}`), el('div', { id: `importance-${model}`, class: 'chart' }))),
        table(mine));
      chart(`metrics-${model}`, mine);
      if (production) importance(`importance-${model}`, production);
    }
    showError(error, null);
  } catch (e) {
    showError(error, e);
  }
}

load();
