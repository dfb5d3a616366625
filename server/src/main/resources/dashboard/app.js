// The dashboard's entry point: reads server info, keeps the hub selector, routes by URL hash.
//   #/hubs/{hub}/instances?status=...   the instance list
//   #/hubs/{hub}/instances/{id}          one instance
//   #/hubs/{hub}/entities?name=...       the entity list
//   #/hubs/{hub}/entities/{name}/{key}   one entity
//   #/hubs/{hub}/schedules               the recurring schedules

import { api, onSessionEnded, session } from './api.js';
import { completeOidcSignIn, showSignIn } from './signin.js';
import { h } from './format.js';
import { renderList } from './list.js';
import { renderInstance } from './instance.js';
import { renderEntities, renderEntity } from './entities.js';
import { renderSchedules } from './schedules.js';

const state = { info: null, cleanup: null, started: false };

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

export function entitiesHash(hub, params) {
  const text = params ? new URLSearchParams(params).toString() : '';
  return `#/hubs/${encodeURIComponent(hub)}/entities${text ? `?${text}` : ''}`;
}

export function schedulesHash(hub) {
  return `#/hubs/${encodeURIComponent(hub)}/schedules`;
}

export function entityHash(hub, name, key) {
  return `#/hubs/${encodeURIComponent(hub)}/entities/${encodeURIComponent(name)}/${encodeURIComponent(key)}`;
}

async function route() {
  state.cleanup?.();
  state.cleanup = null;
  if (!state.info) return; // signed out: the sign-in page stays
  const view = document.getElementById('view');
  const { parts, params } = parseHash();
  const hubs = state.info.taskHubs;
  if (parts[0] !== 'hubs' || !parts[1] || !['instances', 'entities', 'schedules'].includes(parts[2])) {
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
  showSections(hub, parts[2]);
  const context = { hub, readOnly: state.info.readOnly || !canChange(), params };
  if (parts[2] === 'schedules') {
    state.cleanup = renderSchedules(view, context);
    return;
  }
  if (parts[2] === 'entities') {
    state.cleanup = parts.length > 4
      ? renderEntity(view, { ...context, name: parts[3], key: parts.slice(4).join('/') })
      : renderEntities(view, context);
    return;
  }
  state.cleanup = parts.length > 3
    ? renderInstance(view, { ...context, instanceId: parts.slice(3).join('/') })
    : renderList(view, context);
}

/** The Orchestrations | Entities | Schedules links of the hub, the current one marked. */
function showSections(hub, current) {
  const links = [
    ['instances', 'Orchestrations', listHash(hub)],
    ['entities', 'Entities', entitiesHash(hub)],
    ['schedules', 'Schedules', schedulesHash(hub)],
  ];
  document.getElementById('sections').replaceChildren(...links.map(([section, label, href]) =>
    h('a', { href, 'aria-current': section === current ? 'page' : null, 'data-section': section }, label)));
}

/** Whether the signed-in caller may change instances (without authentication: yes). */
function canChange() {
  const roles = state.info.caller?.roles;
  return !roles || roles.includes('contributor') || roles.includes('admin');
}

function showCaller() {
  const caller = state.info.caller;
  const box = document.getElementById('caller');
  box.hidden = !caller;
  if (!caller) return;
  box.replaceChildren(
    h('span', { class: 'muted', id: 'caller-name' }, `Signed in as ${caller.name} (${caller.roles.join(', ')})`),
    h('button', {
      type: 'button', id: 'sign-out',
      onclick: () => { session.signOut(); location.reload(); },
    }, 'Sign out'));
}

async function start(problem = null) {
  onSessionEnded(null);
  let signInProblem = problem;
  try {
    await completeOidcSignIn();
  } catch (error) {
    signInProblem = error.message;
  }
  try {
    state.info = await api.info();
  } catch (error) {
    const status = error.problem?.status;
    if (status === 401 || status === 403) {
      // 401: no token, or one the server refused; 403: a caller without any role in this Taskhub.
      const hadToken = Boolean(session.token());
      session.signOut();
      state.info = null;
      document.getElementById('caller').hidden = true;
      document.getElementById('hub-picker').hidden = true;
      document.getElementById('live-indicator').hidden = true;
      // What failed for want of a token is said once, on the sign-in page.
      document.getElementById('toasts').replaceChildren();
      if (!signInProblem && hadToken) {
        signInProblem = status === 401
          ? `That token was not accepted: ${error.message}`
          : error.message;
      }
      const options = await api.signInOptions().catch(() => ({ tokens: true }));
      showSignIn(options, signInProblem, start);
      return;
    }
    document.getElementById('view').replaceChildren(
      h('p', { class: 'error' }, `Cannot reach the Taskhub API: ${error.message}`));
    return;
  }
  showCaller();
  onSessionEnded(() => {
    state.cleanup?.();
    state.cleanup = null;
    session.signOut();
    start('Your sign-in has ended (the token expired or is no longer accepted). Sign in again.');
  });
  // Hidden until the hubs are known (not on the sign-in page).
  document.getElementById('hub-picker').hidden = false;
  document.getElementById('live-indicator').hidden = false;
  const select = document.getElementById('hub-select');
  select.replaceChildren(...state.info.taskHubs.map((hub) => h('option', { value: hub }, hub)));
  document.getElementById('read-only-badge').hidden = !state.info.readOnly;
  document.body.classList.toggle('read-only', state.info.readOnly || !canChange());
  if (!state.started) {
    state.started = true;
    window.addEventListener('hashchange', route);
    select.addEventListener('change', () => navigate(listHash(select.value)));
  }
  route();
}

start();
