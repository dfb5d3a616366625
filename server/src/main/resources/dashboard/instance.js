// One instance: summary, actions, timeline, payloads and history, live while it runs.

import { api } from './api.js';
import { listHash, navigate } from './app.js';
import {
  ENDED, formatDuration, formatTime, h, jsonBlock, jsonError, shortJson, statusChip,
} from './format.js';
import { renderTimeline, taskDetails } from './timeline.js';
import { confirmDialog, follow, toast } from './ui.js';

/** Which actions make sense in which status (the server checks again and says 409 if not). */
const ACTIONS = [
  { action: 'suspend', label: 'Suspend', when: (s) => s === 'RUNNING' || s === 'PENDING' },
  { action: 'resume', label: 'Resume', when: (s) => s === 'SUSPENDED' },
  { action: 'raise-event', label: 'Raise event', when: (s) => !ENDED.has(s) },
  { action: 'terminate', label: 'Terminate', danger: true, when: (s) => !ENDED.has(s) },
  { action: 'restart', label: 'Restart', when: (s) => ENDED.has(s) },
  { action: 'purge', label: 'Purge', danger: true, when: (s) => ENDED.has(s) },
];

export function renderInstance(view, { hub, readOnly, instanceId }) {
  let instance = null;
  let selected = null;
  let ticker = null;

  const header = h('div', { class: 'instance-header' });
  const actions = h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Instance actions' });
  const summary = h('dl', { class: 'summary', id: 'summary' });
  const timelineBox = h('div', { class: 'timeline', id: 'timeline' });
  const taskBox = h('div', { class: 'task-details', id: 'task-details', hidden: true });
  const payloads = h('div', { class: 'payloads', id: 'payloads' });
  const historyBody = h('tbody');

  view.replaceChildren(
    h('section', { class: 'instance-view' },
      h('nav', { class: 'crumbs' }, h('a', { href: listHash(hub) }, `← ${hub} orchestrations`)),
      header, actions,
      h('div', { class: 'panel' }, h('h2', {}, 'Summary'), summary),
      h('div', { class: 'panel' }, h('h2', {}, 'Timeline'), timelineBox, taskBox),
      payloads,
      h('div', { class: 'panel' }, h('h2', {}, 'History'),
        h('div', { class: 'table-wrap' },
          h('table', { class: 'history', id: 'history' },
            h('thead', {}, h('tr', {},
              h('th', { scope: 'col', class: 'col-num' }, '#'), h('th', { scope: 'col' }, 'Event'),
              h('th', { scope: 'col', class: 'col-num' }, 'Event id'), h('th', { scope: 'col', class: 'col-time' }, 'Timestamp'),
              h('th', { scope: 'col', class: 'col-num' }, '+ms'), h('th', { scope: 'col' }, 'Details'))),
            historyBody)))));

  function renderHeader() {
    header.replaceChildren(
      h('h1', { class: 'mono instance-id' }, instance.instanceId),
      statusChip(instance.status, { id: 'instance-status', 'data-status': instance.status }),
      h('span', { class: 'muted', title: instance.name }, ` ${instance.displayName ?? instance.name}`));
    actions.replaceChildren(...(readOnly ? [] : ACTIONS.filter((a) => a.when(instance.status)).map((a) =>
      h('button', { type: 'button', class: a.danger ? 'danger-outline' : '', 'data-action': a.action,
        onclick: () => act(a.action) }, a.label))));
  }

  function renderSummary() {
    const end = instance.completedAt ? Date.parse(instance.completedAt) : null;
    const rows = [
      ['Name', instance.name],
      ...(instance.displayName && instance.displayName !== instance.name ? [['Shown as', instance.displayName]] : []),
      ['Version', instance.version || '—'], ['Status', instance.status],
      ['Execution id', instance.executionId], ['Created', formatTime(instance.createdAt)],
      ['Last updated', formatTime(instance.lastUpdatedAt)], ['Completed', formatTime(instance.completedAt)],
      ['Duration', end ? formatDuration(end - Date.parse(instance.createdAt)) : 'running'],
      ['Scheduled start', formatTime(instance.scheduledStartAt)], ['Parent', instance.parentInstanceId || '—'],
      ['History events', instance.historyLength],
      ['Tags', Object.keys(instance.tags || {}).length ? JSON.stringify(instance.tags) : '—'],
    ];
    summary.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
    const blocks = [['Input', instance.input], ['Output', instance.output], ['Custom status', instance.customStatus]];
    if (instance.failure) blocks.push(['Failure', instance.failure]);
    payloads.replaceChildren(...blocks.map(([title, value]) =>
      h('div', { class: `panel payload ${title === 'Failure' ? 'failure' : ''}`, id: `payload-${title.toLowerCase().replace(' ', '-')}` },
        h('h2', {}, title), jsonBlock(value, title))));
  }

  function renderTask(item) {
    selected = item;
    const details = taskDetails(item);
    taskBox.hidden = false;
    taskBox.replaceChildren(
      h('h3', {}, `${item.name} #${item.taskId}`),
      h('dl', { class: 'summary' }, ...details.rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))])),
      h('div', { class: 'two-col' },
        h('div', {}, h('h4', {}, 'Input'), jsonBlock(details.input, 'Task input')),
        h('div', {}, h('h4', {}, details.failure ? 'Failure' : 'Result'),
          jsonBlock(details.failure ?? details.result, 'Task result'))));
  }

  function renderHistory(events) {
    const origin = events.length ? Date.parse(events[0].timestamp) : 0;
    historyBody.replaceChildren(...events.map((event, index) => {
      const { eventType, eventId, timestamp, ...rest } = event;
      const body = Object.values(rest)[0] ?? {};
      const detail = body.name ?? (body.taskScheduledId !== undefined ? `task #${body.taskScheduledId}` : '') ;
      const payload = body.result ?? body.input ?? body.failureDetails?.errorMessage;
      return h('tr', { dataset: { eventType } },
        h('td', { class: 'col-num' }, String(index)),
        h('td', {}, h('span', { class: `event event-${eventType}` }, eventType)),
        h('td', { class: 'col-num' }, eventId >= 0 ? String(eventId) : ''),
        h('td', { class: 'col-time' }, formatTime(timestamp)),
        h('td', { class: 'col-num' }, String(Date.parse(timestamp) - origin)),
        h('td', {}, h('details', {},
          h('summary', {}, [detail, payload !== undefined ? shortJson(payload, 60) : ''].filter(Boolean).join(' · ') || 'details'),
          jsonBlock(event, 'Event JSON'))));
    }));
  }

  async function load() {
    try {
      const [detail, timeline, history] = await Promise.all([
        api.instance(hub, instanceId), api.timeline(hub, instanceId), api.history(hub, instanceId)]);
      instance = detail;
      renderHeader();
      renderSummary();
      renderTimeline(timelineBox, timeline, renderTask);
      if (selected) {
        const again = timeline.items.find((i) => i.taskId === selected.taskId && i.kind === selected.kind);
        if (again) renderTask(again);
      }
      renderHistory(history.events);
      clearInterval(ticker);
      ticker = null;
      if (!ENDED.has(instance.status)) {
        // Running bars grow with the clock between updates.
        ticker = setInterval(async () => {
          try {
            renderTimeline(timelineBox, await api.timeline(hub, instanceId), renderTask);
          } catch { /* the next live update retries */ }
        }, 1000);
      }
    } catch (error) {
      if (error.problem?.status === 404) {
        header.replaceChildren(h('h1', { class: 'mono' }, instanceId), h('p', { class: 'error' }, error.message));
        actions.replaceChildren();
      } else {
        toast(error.message, 'error');
      }
    }
  }

  async function act(action) {
    const id = instance.instanceId;
    const dialogs = {
      terminate: { title: 'Terminate instance', message: `Terminate "${id}"? It stops at its next step and cannot be resumed.`,
        confirmLabel: 'Terminate', danger: true, fields: [{ name: 'reason', label: 'Reason (optional)' }] },
      suspend: { title: 'Suspend instance', message: `Suspend "${id}"? It keeps its state and takes no further steps until resumed.`,
        confirmLabel: 'Suspend', fields: [{ name: 'reason', label: 'Reason (optional)' }] },
      resume: { title: 'Resume instance', message: `Resume "${id}"?`, confirmLabel: 'Resume',
        fields: [{ name: 'reason', label: 'Reason (optional)' }] },
      'raise-event': { title: 'Raise event', message: `Send an external event to "${id}".`, confirmLabel: 'Raise event',
        fields: [{ name: 'name', label: 'Event name', required: true },
          { name: 'data', label: 'Event data (JSON, optional)', type: 'textarea', validate: (text) => jsonError(text, 'Event data') }] },
      restart: { title: 'Restart instance', message: `Start "${id}" again from its original input?`, confirmLabel: 'Restart',
        fields: [{ name: 'newInstanceId', label: 'Use a new instance id', type: 'checkbox' }] },
      purge: { title: 'Purge instance', message: `Delete "${id}" and its whole history? This cannot be undone.`,
        confirmLabel: 'Purge', danger: true },
    };
    const values = await confirmDialog(dialogs[action]);
    if (!values) return;
    try {
      switch (action) {
        case 'terminate': await api.terminate(hub, id, values.reason || null); break;
        case 'suspend': await api.suspend(hub, id, values.reason || null); break;
        case 'resume': await api.resume(hub, id, values.reason || null); break;
        case 'raise-event': await api.raiseEvent(hub, id, values.name, values.data.trim() || undefined); break;
        case 'restart': {
          const result = await api.restart(hub, id, values.newInstanceId);
          if (result?.instanceId && result.instanceId !== id) navigate(`#/hubs/${encodeURIComponent(hub)}/instances/${encodeURIComponent(result.instanceId)}`);
          break;
        }
        case 'purge':
          await api.purge(hub, id);
          toast(`Purged ${id}`);
          navigate(listHash(hub));
          return;
        default: return;
      }
      toast(`${action.replace('-', ' ')}: request accepted`);
      load();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  load();
  const stop = follow(api.liveUrl(hub, instanceId), () => load());
  return () => { clearInterval(ticker); stop(); };
}
