// Helpers shared by the page modules. On the self-host the function key travels in the HttpOnly cookie the pages
// set, so requests are plain same-origin fetches. On Azure the Functions host checks keys itself and reads no cookie:
// a page opened with ?code= keeps the key in this tab's session storage, takes it out of the address bar, and sends
// it in the x-functions-key header (the self-host's redirect has already taken the code away there).
const keyName = 'vinted-functions-key';
const address = new URL(window.location.href);
if (address.searchParams.has('code')) {
  sessionStorage.setItem(keyName, address.searchParams.get('code'));
  address.searchParams.delete('code');
  window.history.replaceState(null, '', address);
}

function headers(extra = {}) {
  const key = sessionStorage.getItem(keyName);
  return key ? { ...extra, 'x-functions-key': key } : extra;
}

/** GETs JSON; throws an Error carrying the problem details' title and detail on a non-2xx answer. */
export async function getJson(url) {
  const response = await fetch(url, { headers: headers({ Accept: 'application/json' }), credentials: 'same-origin' });
  if (!response.ok) {
    throw await problemOf(response);
  }
  return response.json();
}

/** POSTs with no body (the management API's terminate, rewind and restart). */
export async function post(url) {
  const response = await fetch(url, { method: 'POST', headers: headers(), credentials: 'same-origin' });
  if (!response.ok) {
    throw await problemOf(response);
  }
  return response.status;
}

async function problemOf(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    const fields = problem.errors ? ' ' + Object.entries(problem.errors).map(([k, v]) => `${k}: ${v.join(' ')}`).join('; ') : '';
    message = `${response.status}: ${problem.title ?? ''}${problem.detail ? ' ' + problem.detail : ''}${fields}`;
  } catch {
    // not a problem document
  }
  return new Error(message);
}

/** Creates an element: el('td', { class: 'num' }, 'text', child...). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function showError(node, error) {
  node.textContent = error ? error.message ?? String(error) : '';
  node.hidden = !error;
}

const numberFormat = new Intl.NumberFormat('en-GB');
export const number = (n) => (n === null || n === undefined ? '–' : numberFormat.format(n));

export function time(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const statusBadge = (status) => el('span', { class: `status ${status}` }, status);

export const isRunning = (status) => status === 'Pending' || status === 'Running';
