// Small rendering helpers shared by the views.

export const STATUSES = [
  'PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'TERMINATED', 'CONTINUED_AS_NEW', 'CANCELED',
];
export const ENDED = new Set(['COMPLETED', 'FAILED', 'TERMINATED', 'CANCELED']);

/** Creates an element: h('td', { class: 'x', onclick: f }, child, 'text', ...). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(element.style, value);
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function statusLabel(status) {
  return status.split('_').map((w) => w[0] + w.slice(1).toLowerCase()).join(' ');
}

export function statusChip(status, extra = {}) {
  return h('span', { class: `status status-${status.toLowerCase()}`, ...extra }, statusLabel(status));
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** 2025-01-31 12:00:00.123 in local time, or an em dash. */
export function formatTime(value) {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** 850 ms, 2.35 s, 3 min 12 s, 2 h 5 min. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** Pretty JSON of a value that may itself be JSON text. */
export function prettyJson(value) {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

export function jsonBlock(value, label) {
  return h('pre', { class: 'json', tabindex: '0', 'aria-label': label }, prettyJson(value));
}

export function shortJson(value, max = 80) {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A datetime-local input's value as ISO-8601 (local time), or ''. */
export function localInputToIso(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** A message when non-empty text is not JSON (`what` names it), else null. */
export function jsonError(text, what) {
  if (!text.trim()) return null;
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    return `${what} is not valid JSON: ${error.message}`;
  }
}
