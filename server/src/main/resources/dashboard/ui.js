// Confirmation dialogs, toasts and the live-update connection.

import { h } from './format.js';

/**
 * Asks for confirmation in a modal dialog (keyboard: Tab between fields, Enter confirms, Esc
 * cancels). fields: [{ name, label, type: 'text'|'textarea'|'checkbox', value, required, validate }].
 * Resolves to the field values, or null when cancelled.
 */
export function confirmDialog({ title, message, confirmLabel = 'Confirm', danger = false, fields = [] }) {
  const dialog = document.getElementById('dialog');
  const form = document.getElementById('dialog-form');
  const error = document.getElementById('dialog-error');
  const confirm = document.getElementById('dialog-confirm');
  const cancel = document.getElementById('dialog-cancel');
  document.getElementById('dialog-title').textContent = title;
  document.getElementById('dialog-message').textContent = message;
  const container = document.getElementById('dialog-fields');
  container.replaceChildren();
  const inputs = {};
  for (const field of fields) {
    const id = `dialog-field-${field.name}`;
    let input;
    if (field.type === 'textarea') {
      input = h('textarea', { id, name: field.name, rows: 5, spellcheck: 'false' });
      input.value = field.value ?? '';
    } else if (field.type === 'checkbox') {
      input = h('input', { id, name: field.name, type: 'checkbox' });
      input.checked = Boolean(field.value);
    } else {
      input = h('input', { id, name: field.name, type: 'text', autocomplete: 'off' });
      input.value = field.value ?? '';
    }
    inputs[field.name] = input;
    container.append(
      field.type === 'checkbox'
        ? h('label', { class: 'field checkbox', for: id }, input, field.label)
        : h('label', { class: 'field', for: id }, h('span', {}, field.label), input),
    );
  }
  error.textContent = '';
  confirm.textContent = confirmLabel;
  confirm.classList.toggle('danger', danger);

  return new Promise((resolve) => {
    const finish = (result) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(result);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const values = {};
      for (const field of fields) {
        const input = inputs[field.name];
        const value = field.type === 'checkbox' ? input.checked : input.value;
        const problem = field.required && !value ? `${field.label} is required` : field.validate?.(value);
        if (problem) {
          error.textContent = problem;
          input.focus();
          return;
        }
        values[field.name] = value;
      }
      finish(values);
    };
    const onCancel = (event) => {
      event.preventDefault();
      finish(null);
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    (Object.values(inputs)[0] ?? cancel).focus();
  });
}

export function toast(message, kind = 'info') {
  const box = h('div', { class: `toast toast-${kind}` }, message);
  document.getElementById('toasts').append(box);
  setTimeout(() => box.remove(), kind === 'error' ? 8000 : 4000);
}

/**
 * Follows a live-update stream and calls onChange(ids, overflow) for each batch, debounced; shows
 * the connection state in the header. EventSource reconnects by itself after errors.
 */
export function follow(url, onChange) {
  const indicator = document.getElementById('live-indicator');
  const source = new EventSource(url);
  const show = (state, text) => {
    indicator.dataset.state = state;
    indicator.textContent = text;
  };
  show('connecting', 'connecting…');
  source.addEventListener('hello', () => show('on', 'live'));
  source.addEventListener('open', () => show('on', 'live'));
  source.addEventListener('error', () => show('off', 'reconnecting…'));
  let timer = null;
  let pending = new Set();
  let overflow = false;
  source.addEventListener('changed', (event) => {
    const data = JSON.parse(event.data);
    data.instanceIds.forEach((id) => pending.add(id));
    overflow ||= data.overflow;
    if (timer) return;
    timer = setTimeout(() => {
      const ids = pending;
      const all = overflow;
      pending = new Set();
      overflow = false;
      timer = null;
      onChange(ids, all);
    }, 150);
  });
  return () => {
    clearTimeout(timer);
    source.close();
    show('off', 'offline');
  };
}
