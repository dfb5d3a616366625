// Signing in, when the server requires it: a pasted token, or (with --oidc-client-id) the OpenID
// Connect authorization-code flow with PKCE (RFC 7636, S256), run in the browser as a public
// client. Either way the token lands in sessionStorage (this tab only) and is sent as a bearer.
//
// The flow: fetch the issuer's discovery document, keep a random verifier and state in this tab,
// go to its authorization_endpoint with the verifier's SHA-256 as the challenge; the issuer sends
// the browser back here with ?code=…&state=…, and the code and verifier are exchanged at its
// token_endpoint for an access token. The server checks that token like any other JWT.

import { session } from './api.js';
import { h } from './format.js';

const PENDING_KEY = 'taskhub.oidc.pending';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomText = (bytes) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/** Where the issuer sends the browser back: the dashboard's own page, without query or hash. */
const redirectUri = () => `${location.origin}${location.pathname}`;

async function discover(issuer) {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  const document = await response.json();
  if (!document.authorization_endpoint || !document.token_endpoint) {
    throw new Error(`${url} names no authorization_endpoint and token_endpoint`);
  }
  return document;
}

/** Leaves for the issuer's sign-in page; comes back through completeOidcSignIn. */
async function beginOidcSignIn(oidc) {
  if (!crypto.subtle) {
    // Browsers give Web Crypto (for the S256 challenge) to secure contexts only.
    throw new Error('Signing in through the issuer needs the dashboard on HTTPS or localhost.');
  }
  const endpoints = await discover(oidc.issuer);
  const verifier = randomText(32);
  const challenge = base64url(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomText(16);
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({
    state, verifier, clientId: oidc.clientId,
    tokenEndpoint: endpoints.token_endpoint, returnTo: location.hash,
  }));
  const target = new URL(endpoints.authorization_endpoint);
  for (const [key, value] of Object.entries({
    response_type: 'code', client_id: oidc.clientId, redirect_uri: redirectUri(),
    scope: oidc.scopes, state, code_challenge: challenge, code_challenge_method: 'S256',
  })) target.searchParams.set(key, value);
  location.assign(target.toString());
}

/**
 * If the issuer just sent the browser back, exchanges the code for a token and signs in; puts the
 * address back as it was before the sign-in (the same view, no code in the history).
 * @throws Error saying why, when the issuer refused or the answer is not for this tab's sign-in
 */
export async function completeOidcSignIn() {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null');
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? ''}`);
  if (answer.has('error')) {
    throw new Error(`The issuer did not sign you in: ${answer.get('error_description') || answer.get('error')}`);
  }
  if (!pending || pending.state !== answer.get('state')) {
    throw new Error('That sign-in answer is not for a sign-in this tab started. Sign in again.');
  }
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: redirectUri(),
      client_id: pending.clientId, code_verifier: pending.verifier,
    }),
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok || !tokens.access_token) {
    throw new Error(`The issuer gave no token: ${tokens.error_description || tokens.error || `HTTP ${response.status}`}`);
  }
  session.signIn(tokens.access_token);
}

function issuerName(issuer) {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

/**
 * The sign-in page: a button for the issuer (if the server names one) and a token field (if the
 * server takes pasted tokens). {@code onToken} runs once a token is stored.
 */
export function showSignIn(options, problem, onToken) {
  const error = h('p', { class: 'error', role: 'alert', hidden: !problem }, problem ?? '');
  const oidc = options.oidc;
  const issuerButton = oidc ? h('button', {
    type: 'button', id: 'sign-in-oidc', class: 'primary',
    onclick: () => beginOidcSignIn(oidc).catch((failure) => {
      error.textContent = failure.message;
      error.hidden = false;
    }),
  }, `Sign in with ${issuerName(oidc.issuer)}`) : null;
  const input = h('input', {
    id: 'sign-in-token', type: 'password', autocomplete: 'off', required: true,
    'aria-label': 'Token', placeholder: 'thk_…',
  });
  const tokenForm = options.tokens ? h('form', {
    onsubmit: (event) => {
      event.preventDefault();
      session.signIn(input.value.trim());
      onToken();
    },
  },
  oidc ? h('p', { class: 'muted' }, 'Or paste a token:') : null,
  h('label', { class: 'field' }, h('span', {}, 'Token'), input),
  h('div', { class: 'filter-buttons' },
    h('button', { type: 'submit', class: oidc ? undefined : 'primary' }, 'Sign in'))) : null;
  const page = h('section', { class: 'sign-in', id: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in'),
    h('p', {}, oidc
      ? 'This Taskhub requires you to sign in.'
      : 'This Taskhub requires a token. Ask its operator for one (taskhub token new).'),
    error,
    issuerButton,
    tokenForm);
  document.getElementById('view').replaceChildren(page);
  (issuerButton ?? input).focus();
}
