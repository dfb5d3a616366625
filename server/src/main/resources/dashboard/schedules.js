// Recurring schedules: the hub's schedules (refreshed every 2 s) with when they fire, their status,
// overlap policy, next and last runs (linked to the last run's instance) and counts, and the pause,
// resume, trigger and delete actions for callers who may change things.

import { api } from './api.js';
import { instanceHash } from './app.js';
import { formatTime, h, statusChip } from './format.js';
import { confirmDialog, toast } from './ui.js';

const REFRESH_MS = 2000;

function when(schedule) {
  return schedule.cron ? `${schedule.cron} (${schedule.timeZone})` : `every ${schedule.interval}`;
}

function lastRun(hub, schedule) {
  if (!schedule.lastInstanceId) return h('span', { class: 'muted' }, '—');
  return h('span', {},
    formatTime(schedule.lastRunAt), ' ',
    h('a', { href: instanceHash(hub, schedule.lastInstanceId), class: 'mono' }, schedule.lastInstanceId));
}

export function renderSchedules(view, { hub, readOnly }) {
  const tbody = h('tbody');
  const empty = h('p', { class: 'muted', id: 'schedules-empty', hidden: true },
    'No schedules. Create one with POST /api/v1/hubs/{hub}/schedules or taskhub schedule create.');

  view.replaceChildren(
    h('section', { class: 'list-view' },
      h('div', { class: 'title-row' }, h('h1', {}, 'Schedules')),
      h('div', { class: 'table-wrap' },
        h('table', { class: 'instances', id: 'schedules' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, 'Schedule'), h('th', { scope: 'col' }, 'Orchestration'),
            h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, 'Overlap'), h('th', { scope: 'col', class: 'col-time' }, 'Next run'),
            h('th', { scope: 'col' }, 'Last run'), h('th', { scope: 'col', class: 'col-num' }, 'Runs'),
            h('th', { scope: 'col', class: 'col-num' }, 'Skipped'), h('th', { scope: 'col', class: 'col-num' }, 'Missed'),
            readOnly ? null : h('th', { scope: 'col' }, 'Actions'))),
          tbody)),
      empty));

  async function act(label, action) {
    try {
      const result = await action();
      toast(result?.instanceId ? `${label}: started ${result.instanceId}` : label);
      await load();
    } catch (error) {
      toast(error.message, 'error');
    }
  }

  function actions(schedule) {
    const id = schedule.id;
    const paused = schedule.status === 'paused';
    return h('td', { class: 'row-actions' },
      h('button', {
        type: 'button', 'data-action': paused ? 'resume' : 'pause',
        onclick: () => act(`${paused ? 'Resumed' : 'Paused'} ${id}`,
          () => (paused ? api.resumeSchedule(hub, id) : api.pauseSchedule(hub, id))),
      }, paused ? 'Resume' : 'Pause'),
      h('button', {
        type: 'button', 'data-action': 'trigger',
        onclick: () => act(`Triggered ${id}`, () => api.triggerSchedule(hub, id)),
      }, 'Run now'),
      h('button', {
        type: 'button', class: 'danger', 'data-action': 'delete',
        onclick: async () => {
          const confirmed = await confirmDialog({
            title: `Delete schedule ${id}?`,
            message: 'It fires no more; the runs it started are left alone.',
            confirmLabel: 'Delete', danger: true,
          });
          if (confirmed) act(`Deleted ${id}`, () => api.deleteSchedule(hub, id));
        },
      }, 'Delete'));
  }

  async function load() {
    const { schedules } = await api.schedules(hub);
    tbody.replaceChildren(...schedules.map((schedule) => h('tr', { dataset: { id: schedule.id } },
      h('td', { class: 'mono' }, schedule.id),
      h('td', {}, schedule.orchestration),
      h('td', { class: 'mono' }, when(schedule)),
      h('td', {}, statusChip(schedule.status.toUpperCase(), { 'data-status': schedule.status })),
      h('td', {}, schedule.overlap.replace('_', ' ')),
      h('td', { class: 'col-time' }, formatTime(schedule.nextRunAt)),
      h('td', {}, lastRun(hub, schedule)),
      h('td', { class: 'col-num' }, String(schedule.runs)),
      h('td', { class: 'col-num' }, String(schedule.skipped)),
      h('td', { class: 'col-num' }, String(schedule.missed)),
      readOnly ? null : actions(schedule))));
    empty.hidden = schedules.length > 0;
  }

  load().catch((error) => toast(error.message, 'error'));
  const timer = setInterval(() => load().catch(() => {}), REFRESH_MS);
  return () => clearInterval(timer);
}
