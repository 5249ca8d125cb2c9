// The runs page: the pipeline's runs from GET /api/monitoring/runs, refreshed every 5 seconds.
import { getJson, el, showError, number, time, duration, statusBadge } from './common.js';

const body = document.querySelector('#runs tbody');
const more = document.getElementById('more');
const error = document.getElementById('runs-error');
let pages = 1;

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
    body.replaceChildren(...(runs.length ? runs.map(row) : [el('tr', {}, el('td', { colspan: 10, class: 'hint' }, 'No run yet.'))]));
    more.hidden = !token;
    showError(error, null);
  } catch (e) {
    showError(error, e);
  }
}

more.addEventListener('click', () => { pages++; load(); });
await load();
setInterval(load, 5000);
