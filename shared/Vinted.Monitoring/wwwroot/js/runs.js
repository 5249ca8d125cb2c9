// The runs page: the pipeline's runs from GET /api/monitoring/runs, refreshed every 5 seconds.
import { getJson, el, showError, number, time, duration, statusBadge } from './common.js';

const body = document.querySelector('#runs tbody');
const more = document.getElementById('more');
const error = document.getElementById('runs-error');
let pages = 1;
let loads = 0;

function row(run) {
  const counts = run.counts ?? {};
  return el('tr', { 'data-run-id': run.id },
    el('td', {}, el('a', { href: `/runs/${encodeURIComponent(run.id)}` }, run.id)),
    el('td', { title: run.error ?? undefined }, statusBadge(run.status)),
    el('td', {}, run.trigger),
    el('td', {}, run.date ?? '–'),
    el('td', {}, time(run.createdTime)),
    el('td', {}, duration(run.durationSeconds)),
    el('td', { class: 'num' }, number(counts.searches)),
    el('td', { class: 'num' }, number(counts.pages)),
    el('td', { class: 'num' }, number(counts.items)),
    el('td', { class: 'num' }, number(counts.quarantinedPages)));
}

// Rows are kept while their run is unchanged: replacing a row under the pointer every 5 seconds would swallow a
// click that falls between its mouse-down and mouse-up.
const rendered = new Map();

function render(runs) {
  if (!runs.length) {
    rendered.clear();
    body.replaceChildren(el('tr', {}, el('td', { colspan: 10, class: 'hint' }, 'No run yet.')));
    return;
  }
  const rows = runs.map((run) => {
    const key = JSON.stringify(run);
    const kept = rendered.get(run.id);
    return kept?.key === key ? kept : { id: run.id, key, node: row(run) };
  });
  rendered.clear();
  rows.forEach((r) => rendered.set(r.id, r));
  const current = [...body.children];
  if (current.length === rows.length && rows.every((r, i) => r.node === current[i])) return;
  body.replaceChildren(...rows.map((r) => r.node));
}

async function load() {
  try {
    const runs = [];
    let token = null;
    for (let page = 0; page < pages; page++) {
      const query = new URLSearchParams({ top: '50' });
      if (token) query.set('continuationToken', token);
      const list = await getJson(`/api/monitoring/runs?${query}`);
      runs.push(...list.runs);
      token = list.continuationToken;
      if (!token) break;
    }
    render(runs);
    more.hidden = !token;
    showError(error, null);
  } catch (e) {
    showError(error, e);
  }
  // Tells watchers (and the browser tests) that a refresh has been applied.
  document.body.dataset.loaded = String(++loads);
}

more.addEventListener('click', () => { pages++; load(); });
await load();
setInterval(load, 5000);
