// The Gantt view of an instance's activities, sub-orchestrations and timers: one row per task, a
// bar from dispatch to result (a thin lead-in from scheduling to dispatch), on a shared time axis,
// so parallel work shows side by side and finishing at different times.

import { formatDuration, formatTime, h, shortJson } from './format.js';

const STATE_LABEL = { SCHEDULED: 'waiting for a worker', RUNNING: 'running', COMPLETED: 'completed', FAILED: 'failed' };

export function renderTimeline(container, timeline, onSelect) {
  const { items } = timeline;
  if (items.length === 0) {
    container.replaceChildren(h('p', { class: 'muted' }, 'No activities, sub-orchestrations or timers yet.'));
    return;
  }
  const origin = Math.min(timeline.createdAt, ...items.map((i) => i.scheduledAt));
  const end = (item) => item.completedAt || timeline.now;
  let finish = timeline.completedAt || Math.max(timeline.now, ...items.map(end));
  if (timeline.completedAt) finish = Math.max(finish, ...items.map(end));
  const span = Math.max(finish - origin, 1);
  const pct = (t) => `${(((t - origin) / span) * 100).toFixed(3)}%`;
  const width = (from, to) => `${Math.max(((to - from) / span) * 100, 0.4).toFixed(3)}%`;

  const ticks = h('div', { class: 'tl-axis', 'aria-hidden': 'true' });
  for (let i = 0; i <= 4; i++) {
    const at = origin + (span * i) / 4;
    ticks.append(h('span', { class: 'tl-tick', style: { left: `${i * 25}%` } }, `+${formatDuration(at - origin)}`));
  }

  const rows = items.map((item) => {
    const stop = end(item);
    const label = item.kind === 'timer' ? 'timer' : item.name;
    const summary = `${label} #${item.taskId}: ${STATE_LABEL[item.state]}; scheduled ${formatTime(item.scheduledAt)}, ` +
      `started ${item.startKnown ? formatTime(item.startedAt) : 'unknown'}, ` +
      `${item.completedAt ? `finished ${formatTime(item.completedAt)} after ${formatDuration(item.completedAt - item.startedAt)}` : 'not finished'}`;
    const bar = h('button', {
      type: 'button',
      class: `tl-bar tl-${item.state.toLowerCase()} tl-kind-${item.kind}`,
      style: { left: pct(item.startedAt), width: width(item.startedAt, stop) },
      title: summary,
      'aria-label': summary,
      dataset: {
        taskId: String(item.taskId), kind: item.kind, state: item.state,
        start: String(item.startedAt), end: String(item.completedAt || 0),
      },
      onclick: () => onSelect(item),
    }, h('span', { class: 'tl-bar-text' },
      item.completedAt && (stop - item.startedAt) / span > 0.08 ? formatDuration(item.completedAt - item.startedAt) : ''));
    const queued = item.startedAt > item.scheduledAt
      ? h('span', { class: 'tl-queued', style: { left: pct(item.scheduledAt), width: width(item.scheduledAt, item.startedAt) }, title: 'waiting for a worker' })
      : null;
    return h('div', { class: 'tl-row', role: 'listitem' },
      h('div', { class: 'tl-label', title: label },
        h('span', { class: 'tl-kind' }, item.kind === 'subOrchestration' ? 'sub' : item.kind === 'timer' ? '⏱' : 'act'),
        h('span', { class: 'tl-name' }, label), h('span', { class: 'muted' }, ` #${item.taskId}`)),
      h('div', { class: 'tl-track' }, queued, bar));
  });

  container.replaceChildren(
    h('div', { class: 'tl-head' }, h('div', { class: 'tl-label muted' }, 'Task'), h('div', { class: 'tl-track' }, ticks)),
    h('div', { class: 'tl-body', role: 'list', 'aria-label': 'Timeline of tasks' },
      ...rows),
    h('div', { class: 'tl-legend muted' },
      h('span', { class: 'legend tl-completed' }, 'completed'), h('span', { class: 'legend tl-running' }, 'running'),
      h('span', { class: 'legend tl-failed' }, 'failed'), h('span', { class: 'legend tl-scheduled' }, 'waiting'),
      ` Span ${formatDuration(span)}. Select a bar for its input and result.`));
}

export function taskDetails(item) {
  const rows = [
    ['Kind', item.kind], ['Task id', item.taskId], ['Name', item.name],
    item.childInstanceId ? ['Child instance', item.childInstanceId] : null,
    ['State', item.state], ['Scheduled', formatTime(item.scheduledAt)],
    ['Started', item.startKnown ? formatTime(item.startedAt) : 'unknown (before a restart)'],
    ['Finished', formatTime(item.completedAt)],
    ['Ran for', item.completedAt ? formatDuration(item.completedAt - item.startedAt) : '—'],
  ].filter(Boolean);
  return { rows, input: item.input, result: item.result, failure: item.failureType
    ? { errorType: item.failureType, errorMessage: item.failureMessage } : null, short: shortJson(item.result) };
}
