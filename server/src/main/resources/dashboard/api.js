// The management API, as the dashboard uses it. Failures become Errors carrying the problem JSON.

export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
  }
}

const TOKEN_KEY = 'taskhub.token';

/** The token the user signed in with: kept for this tab only (sessionStorage), sent as a bearer. */
export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  signIn: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: () => sessionStorage.removeItem(TOKEN_KEY),
};

let sessionEnded = null;

/**
 * Runs {@code handler} once, the first time the server refuses the tab's token after sign-in (it
 * expired, or its caller was removed), so the page can ask to sign in again.
 */
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  const token = session.token();
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (response.status === 401 && token && sessionEnded) {
    const handler = sessionEnded;
    sessionEnded = null;
    handler();
  }
  if (!response.ok) {
    throw new ApiError(json || { status: response.status, title: response.statusText });
  }
  return json;
}

const hubPath = (hub) => `/api/v1/hubs/${encodeURIComponent(hub)}`;
const instancePath = (hub, id) => `${hubPath(hub)}/instances/${encodeURIComponent(id)}`;
const entityPath = (hub, name, key) =>
  `${hubPath(hub)}/entities/${encodeURIComponent(name)}/${encodeURIComponent(key)}`;

const schedulePath = (hub, id) => `${hubPath(hub)}/schedules/${encodeURIComponent(id)}`;

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  info: () => call('GET', '/api/v1/info'),
  signInOptions: () => call('GET', '/api/v1/sign-in'),
  list: (hub, params) => call('GET', `${hubPath(hub)}/instances${query(params)}`),
  counts: (hub, params) => call('GET', `${hubPath(hub)}/counts${query(params)}`),
  waiting: (hub) => call('GET', `${hubPath(hub)}/waiting`),
  instance: (hub, id) => call('GET', instancePath(hub, id)),
  history: (hub, id) => call('GET', `${instancePath(hub, id)}/history`),
  timeline: (hub, id) => call('GET', `${instancePath(hub, id)}/timeline`),
  terminate: (hub, id, reason) => call('POST', `${instancePath(hub, id)}/terminate`, { reason }),
  suspend: (hub, id, reason) => call('POST', `${instancePath(hub, id)}/suspend`, { reason }),
  resume: (hub, id, reason) => call('POST', `${instancePath(hub, id)}/resume`, { reason }),
  raiseEvent: (hub, id, name, data) =>
    call('POST', `${instancePath(hub, id)}/events/${encodeURIComponent(name)}`, data ?? ''),
  restart: (hub, id, newInstanceId) =>
    call('POST', `${instancePath(hub, id)}/restart`, { newInstanceId }),
  purge: (hub, id) => call('DELETE', instancePath(hub, id)),
  purgeWhere: (hub, params) => call('DELETE', `${hubPath(hub)}/instances${query(params)}`),
  entities: (hub, params) => call('GET', `${hubPath(hub)}/entities${query(params)}`),
  entity: (hub, name, key) => call('GET', entityPath(hub, name, key)),
  signalEntity: (hub, name, key, operation, input) =>
    call('POST', `${entityPath(hub, name, key)}/signal`, { operation, input }),
  deleteEntityState: (hub, name, key) => call('POST', `${entityPath(hub, name, key)}/delete-state`),
  schedules: (hub) => call('GET', `${hubPath(hub)}/schedules`),
  pauseSchedule: (hub, id) => call('POST', `${schedulePath(hub, id)}/pause`),
  resumeSchedule: (hub, id) => call('POST', `${schedulePath(hub, id)}/resume`),
  triggerSchedule: (hub, id) => call('POST', `${schedulePath(hub, id)}/trigger`),
  deleteSchedule: (hub, id) => call('DELETE', schedulePath(hub, id)),
  // EventSource sends no headers: the live route takes the token as a parameter.
  liveUrl: (hub, instanceId) =>
    `${hubPath(hub)}/live${query({ instanceId, access_token: session.token() })}`,
};
