// Durable entities: the list (name prefix, paging, refreshed every 2 s) and one entity (its state
// as formatted JSON, lock holder, queued messages, and the signal and delete-state actions).

import { api } from './api.js';
import { entitiesHash, entityHash, instanceHash, navigate } from './app.js';
import { formatTime, h, jsonBlock, jsonError, shortJson } from './format.js';
import { confirmDialog, toast } from './ui.js';

const REFRESH_MS = 2000;

function lockCell(hub, lockedBy) {
  return lockedBy
    ? h('a', { href: instanceHash(hub, lockedBy), class: 'mono' }, lockedBy)
    : h('span', { class: 'muted' }, '—');
}

export function renderEntities(view, { hub, params }) {
  const prefix = params.get('name') || '';
  const tokens = [null];
  let page = 0;
  let nextToken = null;
  const input = h('input', {
    id: 'entity-filter', type: 'search', value: prefix, placeholder: 'counter or counter@key…',
    'aria-label': 'Entity name (and key) starts with',
  });
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', id: 'entities-empty', hidden: true }, 'No entities.');
  const pageLabel = h('span', { class: 'muted', id: 'entities-page' });
  const prev = h('button', { type: 'button', onclick: () => go(page - 1) }, '← Previous');
  const next = h('button', { type: 'button', onclick: () => go(page + 1) }, 'Next →');

  view.replaceChildren(
    h('section', { class: 'list-view' },
      h('div', { class: 'title-row' }, h('h1', {}, 'Entities')),
      h('form', {
        class: 'filters', role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          navigate(entitiesHash(hub, input.value.trim() ? { name: input.value.trim() } : null));
        },
      },
      h('label', { class: 'field grow' }, h('span', {}, 'Name'), input),
      h('div', { class: 'filter-buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Apply'))),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'instances', id: 'entities' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Entity'), h('th', { scope: 'col' }, 'Key'),
            h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col', class: 'col-num' }, 'Queued'),
            h('th', { scope: 'col' }, 'Locked by'), h('th', { scope: 'col', class: 'col-time' }, 'Last modified'))),
          tbody)),
      empty,
      h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageLabel, next)));

  async function load() {
    const result = await api.entities(hub, { prefix, pageSize: 25, continuationToken: tokens[page] });
    nextToken = result.continuationToken;
    tbody.replaceChildren(...result.entities.map((entity) => h('tr', { dataset: { id: entity.id } },
      h('td', {}, h('a', { href: entityHash(hub, entity.name, entity.key) }, entity.name)),
      h('td', { class: 'mono' }, entity.key),
      h('td', { class: 'mono' }, entity.hasState ? shortJson(entity.state) : h('span', { class: 'muted' }, 'no state')),
      h('td', { class: 'col-num' }, String(entity.queued)),
      h('td', {}, lockCell(hub, entity.lockedBy)),
      h('td', { class: 'col-time' }, formatTime(entity.lastModifiedAt)))));
    empty.hidden = result.entities.length > 0;
    prev.disabled = page === 0;
    next.disabled = !nextToken;
    pageLabel.textContent = `Page ${page + 1}`;
  }

  function go(target) {
    if (target < 0 || (target > page && !nextToken)) return;
    if (target > page) tokens[target] = nextToken;
    page = target;
    load().catch((error) => toast(error.message, 'error'));
  }

  load().catch((error) => toast(error.message, 'error'));
  const timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}

export function renderEntity(view, { hub, readOnly, name, key }) {
  const summary = h('dl', { class: 'summary', id: 'entity-summary' });
  const stateBox = h('div', { id: 'entity-state' });
  const queuedBody = h('tbody');
  const actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Entity actions', hidden: readOnly },
    h('button', { type: 'button', 'data-action': 'signal', onclick: signal }, 'Signal…'),
    h('button', { type: 'button', class: 'danger-outline', 'data-action': 'delete-state', onclick: deleteState }, 'Delete state'));

  view.replaceChildren(
    h('section', { class: 'instance-view' },
      h('nav', { class: 'crumbs' }, h('a', { href: entitiesHash(hub) }, `← ${hub} entities`)),
      h('div', { class: 'instance-header' }, h('h1', { class: 'mono' }, `@${name}@${key}`)),
      actions,
      h('div', { class: 'panel' }, h('h2', {}, 'Summary'), summary),
      h('div', { class: 'panel' }, h('h2', {}, 'State'), stateBox),
      h('div', { class: 'panel' }, h('h2', {}, 'Queued'),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'history', id: 'entity-queue' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Operation'),
              h('th', { scope: 'col' }, 'From'), h('th', { scope: 'col', class: 'col-time' }, 'Visible at'))),
            queuedBody)))));

  async function load() {
    let entity;
    try {
      entity = await api.entity(hub, name, key);
    } catch (error) {
      if (error.problem?.status === 404) {
        summary.replaceChildren(h('p', { class: 'muted' }, 'This entity has no state and nothing queued.'));
        stateBox.replaceChildren();
        queuedBody.replaceChildren();
        return;
      }
      throw error;
    }
    const row = (term, value) => [h('dt', {}, term), h('dd', {}, value)];
    summary.replaceChildren(
      ...row('Entity', entity.name), ...row('Key', h('span', { class: 'mono' }, entity.key)),
      ...row('Last modified', formatTime(entity.lastModifiedAt)),
      ...row('Queued', String(entity.queued)),
      ...row('Locked by', lockCell(hub, entity.lockedBy)));
    stateBox.replaceChildren(entity.hasState
      ? jsonBlock(entity.state, 'Entity state')
      : h('p', { class: 'muted' }, 'No state.'));
    if (entity.queuedMessages.length === 0) {
      queuedBody.replaceChildren(h('tr', {}, h('td', { colspan: '4', class: 'muted' }, 'Nothing queued.')));
      return;
    }
    queuedBody.replaceChildren(...entity.queuedMessages.map((message) => h('tr', {},
      h('td', {}, message.kind), h('td', { class: 'mono' }, message.operation ?? ''),
      h('td', {}, message.from ? h('a', { href: instanceHash(hub, message.from), class: 'mono' }, message.from) : ''),
      h('td', { class: 'col-time' }, formatTime(message.visibleAt)))));
  }

  async function signal() {
    const values = await confirmDialog({
      title: 'Signal the entity',
      message: `Queues a one-way operation for @${name}@${key}.`,
      confirmLabel: 'Signal',
      fields: [
        { name: 'operation', label: 'Operation', required: true },
        { name: 'input', label: 'Input (JSON, optional)', type: 'textarea', validate: (text) => jsonError(text, 'Input') },
      ],
    });
    if (!values) return;
    try {
      const input = values.input.trim() ? JSON.parse(values.input) : undefined;
      await api.signalEntity(hub, name, key, values.operation.trim(), input);
      toast(`Signalled ${values.operation.trim()}`);
      await load();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  async function deleteState() {
    const confirmed = await confirmDialog({
      title: 'Delete the entity state?',
      message: `Sends the delete operation to @${name}@${key}; its state is gone once the entity runs it.`,
      confirmLabel: 'Delete state',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api.deleteEntityState(hub, name, key);
      toast('Delete sent');
      await load();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  load().catch((error) => toast(error.message, 'error'));
  const timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}
