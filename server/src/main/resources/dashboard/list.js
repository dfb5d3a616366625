// The instance list: status chips with counts, filters, paging, live refresh, and the work that
// waits for a worker per name (what no connected worker hosts stands out).

import { api } from './api.js';
import { instanceHash, listHash, navigate } from './app.js';
import {
  ENDED, STATUSES, formatDuration, formatTime, h, localInputToIso, statusChip, statusLabel,
} from './format.js';
import { confirmDialog, follow, toast } from './ui.js';

const SORTS = [
  ['-createdAt', 'Newest first'],
  ['createdAt', 'Oldest first'],
  ['-lastUpdatedAt', 'Recently updated'],
  ['instanceId', 'Instance ID A→Z'],
  ['-instanceId', 'Instance ID Z→A'],
];

export function renderList(view, { hub, readOnly, params }) {
  const filter = {
    status: params.get('status') || '',
    instanceIdPrefix: params.get('id') || '',
    name: params.get('name') || '',
    tag: params.get('tag') || '',
    version: params.get('version') || '',
    createdFrom: params.get('from') || '',
    createdTo: params.get('to') || '',
    sort: params.get('sort') || '-createdAt',
    pageSize: params.get('size') || '25',
  };
  const tokens = [null]; // continuation tokens of the pages seen, for "Previous"
  let page = 0;
  let nextToken = null;

  const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Filter by status' });
  const idInput = h('input', {
    id: 'filter-id', type: 'search', placeholder: 'Instance ID starts with…', value: filter.instanceIdPrefix,
    'aria-label': 'Search by instance ID prefix',
  });
  const nameInput = h('input', {
    id: 'filter-name', type: 'search', placeholder: 'Orchestration name starts with…', value: filter.name,
    'aria-label': 'Filter by orchestration name',
  });
  const tagInput = h('input', {
    id: 'filter-tag', type: 'search', placeholder: 'key=value', value: filter.tag,
    'aria-label': 'Filter by tag (key=value)',
  });
  const versionInput = h('input', {
    id: 'filter-version', type: 'search', placeholder: 'e.g. 2.0', value: filter.version,
    'aria-label': 'Filter by orchestration version',
  });
  const fromInput = h('input', { id: 'filter-from', type: 'datetime-local', step: '1', value: filter.createdFrom });
  const toInput = h('input', { id: 'filter-to', type: 'datetime-local', step: '1', value: filter.createdTo });
  const sortSelect = h('select', { id: 'filter-sort', 'aria-label': 'Sort order' },
    SORTS.map(([value, label]) => h('option', { value, selected: value === filter.sort }, label)));
  const sizeSelect = h('select', { id: 'filter-size', 'aria-label': 'Rows per page' },
    ['10', '25', '50', '100'].map((n) => h('option', { value: n, selected: n === filter.pageSize }, `${n} / page`)));
  const tbody = h('tbody');
  const waitingPanel = h('section', { class: 'waiting', id: 'waiting', hidden: true, 'aria-label': 'Work waiting for workers' });
  const pageLabel = h('span', { class: 'muted', id: 'page-label' });
  const prev = h('button', { type: 'button', id: 'page-prev', onclick: () => go(page - 1) }, '← Previous');
  const next = h('button', { type: 'button', id: 'page-next', onclick: () => go(page + 1) }, 'Next →');
  const purgeButton = h('button', {
    type: 'button', class: 'danger-outline', 'data-action': 'purge-filtered', hidden: readOnly, onclick: purgeFiltered,
  }, 'Purge ended…');

  const form = h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); apply(); } },
    h('label', { class: 'field grow' }, h('span', {}, 'Instance ID'), idInput),
    h('label', { class: 'field grow' }, h('span', {}, 'Name'), nameInput),
    h('label', { class: 'field' }, h('span', {}, 'Tag'), tagInput),
    h('label', { class: 'field' }, h('span', {}, 'Version'), versionInput),
    h('label', { class: 'field' }, h('span', {}, 'Created from'), fromInput),
    h('label', { class: 'field' }, h('span', {}, 'Created to'), toInput),
    h('label', { class: 'field' }, h('span', {}, 'Sort'), sortSelect),
    h('label', { class: 'field' }, h('span', {}, 'Page size'), sizeSelect),
    h('div', { class: 'filter-buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply'),
      h('button', { type: 'button', onclick: () => navigate(listHash(hub)) }, 'Clear')));

  view.replaceChildren(
    h('section', { class: 'list-view' },
      h('div', { class: 'title-row' }, h('h1', {}, 'Orchestrations'), purgeButton),
      chips, form, waitingPanel,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'instances', id: 'instances' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Instance ID'), h('th', { scope: 'col' }, 'Name'),
            h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'col-time' }, 'Created'),
            h('th', { scope: 'col', class: 'col-time' }, 'Last updated'),
            h('th', { scope: 'col', class: 'col-num' }, 'Duration'))),
          tbody)),
      h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, pageLabel, next)));

  let debounce = null;
  for (const input of [idInput, nameInput, tagInput, versionInput]) {
    input.addEventListener('input', () => { clearTimeout(debounce); debounce = setTimeout(apply, 300); });
  }
  for (const input of [fromInput, toInput, sortSelect, sizeSelect]) input.addEventListener('change', apply);

  function hashParams(extra = {}) {
    const values = { status: filter.status, id: idInput.value.trim(), name: nameInput.value.trim(),
      tag: tagInput.value.trim(), version: versionInput.value.trim(), from: fromInput.value, to: toInput.value, sort: sortSelect.value, size: sizeSelect.value, ...extra };
    if (values.sort === '-createdAt') delete values.sort;
    if (values.size === '25') delete values.size;
    return Object.fromEntries(Object.entries(values).filter(([, v]) => v));
  }

  function apply(extra) {
    const hash = listHash(hub, hashParams(extra));
    if (location.hash === hash) refresh(); else location.replace(hash);
  }

  function apiFilter() {
    return {
      instanceIdPrefix: idInput.value.trim(), name: nameInput.value.trim(),
      // Only a complete key=value filters: half-typed text would be a bad request.
      tag: /^[^=]+=/.test(tagInput.value.trim()) ? tagInput.value.trim() : '',
      version: versionInput.value.trim(),
      createdFrom: localInputToIso(fromInput.value), createdTo: localInputToIso(toInput.value),
    };
  }

  async function loadCounts() {
    const { counts, total } = await api.counts(hub, apiFilter());
    const chip = (status, label, count) => h('button', {
      type: 'button', class: `chip ${status ? `chip-${status.toLowerCase()}` : ''}`,
      'aria-pressed': String(filter.status === status), 'data-status': status || 'ALL',
      onclick: () => { filter.status = status; apply({ status }); },
    }, h('span', { class: 'chip-label' }, label), h('span', { class: 'chip-count' }, String(count)));
    chips.replaceChildren(chip('', 'All', total),
      ...STATUSES.filter((s) => counts[s] > 0 || s === filter.status || ['RUNNING', 'COMPLETED', 'FAILED'].includes(s))
        .map((s) => chip(s, statusLabel(s), counts[s] ?? 0)));
  }

  async function loadWaiting() {
    const { waiting } = await api.waiting(hub);
    waitingPanel.hidden = waiting.length === 0;
    const rows = waiting.map((work) => h('tr', {
      dataset: { kind: work.kind, name: work.name, workers: String(work.workers) },
      class: work.workers === 0 ? 'unhosted' : '',
    },
    h('td', { 'data-label': 'Kind' }, work.kind),
    h('td', { 'data-label': 'Name', class: 'mono' }, work.name),
    h('td', { 'data-label': 'Version' }, work.version ?? '—'),
    h('td', { class: 'col-num', 'data-label': 'Waiting' }, String(work.waiting)),
    h('td', { 'data-label': 'Workers that take it' },
      work.workers === 0 ? 'none hosts it' : `${work.workers} connected`)));
    waitingPanel.replaceChildren(
      h('h2', {}, 'Waiting for a worker'),
      h('table', { class: 'waiting-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Kind'), h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col', class: 'col-num' }, 'Waiting'),
          h('th', { scope: 'col' }, 'Workers that take it'))),
        h('tbody', {}, ...rows)));
  }

  async function loadPage() {
    const result = await api.list(hub, {
      ...apiFilter(), status: filter.status, sort: sortSelect.value, pageSize: sizeSelect.value,
      continuationToken: tokens[page],
    });
    nextToken = result.continuationToken;
    tbody.replaceChildren(...result.instances.map(row));
    if (result.instances.length === 0) {
      tbody.append(h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No orchestrations match.')));
    }
    prev.disabled = page === 0;
    next.disabled = !nextToken;
    pageLabel.textContent = `Page ${page + 1}`;
  }

  function row(instance) {
    const end = instance.completedAt ? Date.parse(instance.completedAt) : null;
    const duration = end ? end - Date.parse(instance.createdAt) : null;
    const link = h('a', { href: instanceHash(hub, instance.instanceId), class: 'mono' }, instance.instanceId);
    return h('tr', {
      dataset: { instanceId: instance.instanceId, status: instance.status },
      onclick: (event) => { if (event.target.tagName !== 'A') link.click(); },
    },
    h('td', { class: 'id-cell', 'data-label': 'Instance ID' }, link),
    h('td', { 'data-label': 'Name', title: instance.version ? `${instance.name} version ${instance.version}` : instance.name },
      instance.displayName ?? instance.name,
      instance.version ? h('span', { class: 'muted version' }, ` v${instance.version}`) : null),
    h('td', { 'data-label': 'Status' }, statusChip(instance.status)),
    h('td', { class: 'col-time', 'data-label': 'Created' }, formatTime(instance.createdAt)),
    h('td', { class: 'col-time', 'data-label': 'Updated' }, formatTime(instance.lastUpdatedAt)),
    h('td', { class: 'col-num', 'data-label': 'Duration' }, ENDED.has(instance.status) ? formatDuration(duration) : '…'));
  }

  async function refresh() {
    try {
      await Promise.all([loadCounts(), loadPage(), loadWaiting()]);
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  async function go(target) {
    if (target < 0) return;
    if (target > page) {
      if (!nextToken) return;
      tokens[target] = nextToken;
    }
    page = target;
    await refresh();
  }

  async function purgeFiltered() {
    const scope = filter.status && ENDED.has(filter.status) ? statusLabel(filter.status).toLowerCase() : 'ended';
    const values = await confirmDialog({
      title: 'Purge instances',
      message: `Delete every ${scope} instance of hub "${hub}" created in the selected time range, with its history? Running instances are never purged. This cannot be undone.`,
      confirmLabel: 'Purge',
      danger: true,
    });
    if (!values) return;
    try {
      const status = filter.status && ENDED.has(filter.status) ? filter.status : 'COMPLETED,FAILED,TERMINATED,CANCELED';
      const { createdFrom, createdTo } = apiFilter();
      const { purged } = await api.purgeWhere(hub, { status, createdFrom, createdTo });
      toast(`Purged ${purged} instance${purged === 1 ? '' : 's'}`);
      page = 0;
      await refresh();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  refresh();
  const stop = follow(api.liveUrl(hub), () => refresh());
  return () => { clearTimeout(debounce); stop(); };
}
