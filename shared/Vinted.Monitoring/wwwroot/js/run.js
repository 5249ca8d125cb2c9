// A run's page: GET /api/monitoring/runs/{id}, polled every 2 seconds while the run is pending or running.
import { getJson, post, el, showError, number, time, duration, statusBadge, isRunning } from './common.js';

const root = document.getElementById('run');
const id = root.dataset.runId;
const error = document.getElementById('run-error');
let timer = null;

function summary(run, detail) {
  const counts = run.counts ?? {};
  const items = [
    ['Status', statusBadge(run.status)], ['Trigger', run.trigger],
    ['Date', run.date ?? '–'], ['Duration', duration(run.durationSeconds)],
    ['Created', time(run.createdTime)], ['Last update', time(run.lastUpdatedTime)],
    ['Pages', number(counts.pages)], ['Items', number(counts.items)],
    ['Searches', number(counts.searches)], ['Quarantined pages', number(counts.quarantinedPages)],
    ['Manifest', detail.manifestKey ?? '–'], ['Error', run.error ?? '–'],
  ];
  document.getElementById('summary').replaceChildren(...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function progress(detail) {
  const node = document.getElementById('progress');
  const custom = detail.customStatus;
  // Page 1 of each search is a FetchPage step, the other pages FetchPages steps of a few pages each.
  const fetches = detail.stages.flatMap((s) => s.activities).filter((a) => a.name === 'FetchPage' || a.name === 'FetchPages');
  const known = fetches.reduce((sum, a) => sum + a.steps, 0);
  const done = fetches.reduce((sum, a) => sum + (a.byStatus?.Completed ?? 0), 0);
  node.hidden = !isRunning(detail.run.status) || known === 0;
  if (node.hidden) return;
  node.querySelector('.bar').style.width = `${Math.min(100, (100 * done) / known)}%`;
  node.querySelector('.label').textContent = `${custom?.stage ?? 'running'}: ${number(done)} of ${number(known)} steps fetching pages`;
}

function states(byStatus) {
  return Object.entries(byStatus).map(([state, count]) => `${state} ${number(count)}`).join(', ');
}

function stages(detail) {
  const rows = detail.stages.flatMap((stage) => stage.activities.map((a, i) => el('tr', { 'data-stage': stage.name, 'data-activity': a.name },
    i === 0 ? el('td', { rowspan: stage.activities.length }, el('strong', {}, stage.name)) : null,
    el('td', {}, a.name),
    el('td', { class: 'num steps' }, number(a.steps)),
    el('td', {}, states(a.byStatus)),
    el('td', { class: 'num' }, number(a.attempts)),
    el('td', { class: 'num' }, number(a.retries)),
    el('td', { class: 'num' }, number(a.medianMs)),
    el('td', { class: 'num' }, number(a.maxMs)),
    el('td', {}, a.errors.length ? el('ul', { class: 'errors' }, a.errors.map((e) => el('li', {}, `step ${e.stepId}, attempt ${e.attempt ?? '?'}: ${e.error}`))) : '–'))));
  document.querySelector('#stages tbody').replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 9, class: 'hint' }, 'No step yet.'))]));
}

function quality(detail) {
  const node = document.getElementById('quality');
  if (!detail.quality.available) {
    node.replaceChildren(el('p', { class: 'hint' }, 'No data-quality results for this run (the warehouse has not checked it).'));
    return;
  }
  node.replaceChildren(el('table', { class: 'grid', id: 'quality-checks' },
    el('thead', {}, el('tr', {}, ['Stage', 'Check', 'Result', 'Observed', 'Expected', 'Blocking', 'Details'].map((h) => el('th', {}, h)))),
    el('tbody', {}, detail.quality.checks.map((c) => el('tr', {},
      el('td', {}, c.stage), el('td', {}, c.name),
      el('td', {}, statusBadge(c.passed ? 'passed' : 'failed')),
      el('td', { class: 'num' }, number(c.observed)), el('td', { class: 'num' }, number(c.expected)),
      el('td', {}, c.blocking ? 'yes' : 'no'), el('td', {}, c.details ?? ''))))));
}

function quarantined(detail) {
  const node = document.getElementById('quarantined');
  const lines = [...detail.quarantinedKeys, ...detail.warnings.map((w) => `warning: ${w}`)];
  // Issue 22: every search that is not complete, what cut it, and how many listings it announced against those seen.
  const incomplete = detail.report?.ingestion?.incompleteSearches ?? [];
  const table = incomplete.length ? el('table', { class: 'grid', id: 'incomplete-searches' },
    el('thead', {}, el('tr', {}, ['Domain', 'Search', 'Cut', 'Block', 'Announced', 'Seen', 'Promoted', 'Missing pages'].map((h) => el('th', {}, h)))),
    el('tbody', {}, incomplete.map((s) => el('tr', {},
      el('td', {}, s.domain), el('td', {}, s.searchKey), el('td', {}, s.cut ?? ''), el('td', {}, s.blockKind ?? ''),
      el('td', { class: 'num' }, number(s.announced)), el('td', { class: 'num' }, number(s.seen)),
      el('td', { class: 'num' }, number(s.promoted)), el('td', {}, (s.missingPages ?? []).join(', ')))))) : null;
  const parts = [lines.length ? el('pre', { class: 'keys' }, lines.join('\n')) : el('p', { class: 'hint' }, 'None.')];
  if (table) parts.push(table);
  node.replaceChildren(...parts);
}

function actions(detail) {
  const { canManage, terminatePostUri, rewindPostUri, restartPostUri } = detail.actions;
  document.getElementById('actions').hidden = !canManage;
  document.getElementById('terminate').hidden = !canManage || !isRunning(detail.run.status);
  document.getElementById('rewind').hidden = !canManage || detail.run.status !== 'Failed';
  document.getElementById('terminate').onclick = () => act(terminatePostUri, 'Terminate this run?');
  document.getElementById('rewind').onclick = () => act(rewindPostUri, 'Run the failed steps again?');
  // Rewind cannot replay a step that failed after retries (the provider keeps their timers); a restart runs the whole
  // run again under its id, and pages already stored in the raw zone are not fetched again.
  document.getElementById('restart').hidden = !canManage || !['Failed', 'Terminated'].includes(detail.run.status);
  document.getElementById('restart').onclick = () => act(restartPostUri, 'Run this run again? Pages already stored are not fetched again.');
}

async function act(uri, question) {
  if (!uri || !window.confirm(question)) return;
  const result = document.getElementById('action-result');
  try {
    await post(`${uri}?reason=${encodeURIComponent('from the run page')}`);
    result.textContent = 'Accepted.';
  } catch (e) {
    result.textContent = e.message;
  }
  await load();
}

async function load() {
  clearTimeout(timer);
  try {
    const detail = await getJson(`/api/monitoring/runs/${encodeURIComponent(id)}`);
    summary(detail.run, detail);
    progress(detail);
    stages(detail);
    quality(detail);
    quarantined(detail);
    actions(detail);
    document.getElementById('report').textContent = detail.report ? JSON.stringify(detail.report, null, 2) : '(no report until the run completes)';
    root.dataset.status = detail.run.status;
    showError(error, null);
    if (isRunning(detail.run.status)) timer = setTimeout(load, 2000);
  } catch (e) {
    showError(error, e);
    timer = setTimeout(load, 2000);
  }
}

await load();
