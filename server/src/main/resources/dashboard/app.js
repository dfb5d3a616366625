// The dashboard's entry point: reads server info, keeps the hub selector, routes by URL hash.
//   #/hubs/{hub}/instances?status=...   the instance list
//   #/hubs/{hub}/instances/{id}          one instance

import { api } from './api.js';
import { h } from './format.js';
import { renderList } from './list.js';
import { renderInstance } from './instance.js';

const state = { info: null, cleanup: null };

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, queryText = ''] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, params: new URLSearchParams(queryText) };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

export function listHash(hub, params) {
  const text = params ? new URLSearchParams(params).toString() : '';
  return `#/hubs/${encodeURIComponent(hub)}/instances${text ? `?${text}` : ''}`;
}

export function instanceHash(hub, id) {
  return `#/hubs/${encodeURIComponent(hub)}/instances/${encodeURIComponent(id)}`;
}

async function route() {
  state.cleanup?.();
  state.cleanup = null;
  const view = document.getElementById('view');
  const { parts, params } = parseHash();
  const hubs = state.info.taskHubs;
  if (parts[0] !== 'hubs' || !parts[1] || parts[2] !== 'instances') {
    location.replace(listHash(state.info.defaultHub));
    return;
  }
  const hub = parts[1];
  const select = document.getElementById('hub-select');
  if (!hubs.includes(hub)) {
    view.replaceChildren(h('p', { class: 'error' }, `Task hub not found: ${hub}`));
    return;
  }
  select.value = hub;
  const context = { hub, readOnly: state.info.readOnly, params };
  state.cleanup = parts.length > 3
    ? renderInstance(view, { ...context, instanceId: parts.slice(3).join('/') })
    : renderList(view, context);
}

async function start() {
  try {
    state.info = await api.info();
  } catch (error) {
    document.getElementById('view').replaceChildren(
      h('p', { class: 'error' }, `Cannot reach the Taskhub API: ${error.message}`));
    return;
  }
  const select = document.getElementById('hub-select');
  select.replaceChildren(...state.info.taskHubs.map((hub) => h('option', { value: hub }, hub)));
  select.addEventListener('change', () => navigate(listHash(select.value)));
  document.getElementById('read-only-badge').hidden = !state.info.readOnly;
  document.body.classList.toggle('read-only', state.info.readOnly);
  window.addEventListener('hashchange', route);
  route();
}

start();
