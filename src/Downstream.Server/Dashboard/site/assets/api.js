// The API client: the session (account id + token), requests with the token, and errors as readable messages.
// The token lives only in sessionStorage (gone when the tab closes); the account id is no secret, so the last
// one is remembered in localStorage to prefill the sign-in form.

const TOKEN_KEY = 'downstream.token';
const SESSION_ACCOUNT_KEY = 'downstream.session.account';
const ACCOUNT_KEY = 'downstream.account';

export class ApiError extends Error {
  /** status 0 means the server could not be reached. */
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export const isAbort = (error) => error?.name === 'AbortError';

let unauthorized = () => {};
/** Called with the ApiError when any call answers 401 (or is attempted without a token). */
export function onUnauthorized(handler) { unauthorized = handler; }

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function account() { return sessionStorage.getItem(SESSION_ACCOUNT_KEY) || ''; }
export function rememberedAccount() { return localStorage.getItem(ACCOUNT_KEY) || ''; }
export function isSignedIn() { return Boolean(token() && account()); }

export function signIn(accountId, apiToken) {
  sessionStorage.setItem(TOKEN_KEY, apiToken);
  sessionStorage.setItem(SESSION_ACCOUNT_KEY, accountId);
  localStorage.setItem(ACCOUNT_KEY, accountId);
}

export function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(SESSION_ACCOUNT_KEY);
  signedTokens.clear();
}

export function base(accountId = account()) {
  return `/client/v4/accounts/${encodeURIComponent(accountId)}/stream`;
}

export function authHeaders(apiToken = token()) {
  return { Authorization: `Bearer ${apiToken}` };
}

/** The envelope's first error (with its detail, if the API gave one), or the HTTP status when there is none. */
export function messageOf(body, status, statusText = '') {
  const first = body?.errors?.[0];
  let message = first?.message || '';
  const detail = first?.error_chain?.[0]?.message;
  if (detail && detail !== message) message = message ? `${message}: ${detail}` : detail;
  return message || `The server answered ${status} ${statusText}`.trim();
}

function parseJson(text) {
  try { return text ? JSON.parse(text) : null; } catch { return null; }
}

/** A URL of this server on this origin: the CSP allows connections to 'self' only, even if the server names itself otherwise. */
export function sameOrigin(url) {
  const parsed = new URL(url, location.href);
  return parsed.origin === location.origin ? parsed.href : location.origin + parsed.pathname + parsed.search;
}

function fail(status, message, { signInCheck = false } = {}) {
  const error = new ApiError(status, message);
  if (status === 401 && !signInCheck) unauthorized(error);
  return error;
}

/**
 * One API call under the stream base. `path` is '' or '/...'; `query` values that are '' or undefined are left out.
 * Resolves to the whole envelope (list answers carry `total` next to `result`).
 */
export async function request(method, path, { query, body, signal, apiToken, accountId, signInCheck } = {}) {
  const bearer = apiToken ?? token();
  const acct = accountId ?? account();
  // Nothing is sent without a token: the page is signed out.
  if (!bearer || !acct) throw fail(401, 'Please sign in.');
  const url = new URL(base(acct) + path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const headers = { ...authHeaders(bearer), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store' });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'Cannot reach the server');
  }
  let text;
  try {
    text = await response.text();
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'Cannot reach the server');
  }
  const data = parseJson(text);
  if (!response.ok || data?.success === false) {
    throw fail(response.status, messageOf(data, response.status, response.statusText), { signInCheck });
  }
  return data ?? {};
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options) => request('POST', path, { ...options, body });
export const del = (path, options) => request('DELETE', path, options);

/**
 * XMLHttpRequest as a promise, for uploads (fetch has no upload progress). Resolves with the finished xhr whatever
 * its status; rejects with ApiError(0) on a network failure and an AbortError when `signal` aborts.
 */
export function xhr({ method, url, headers = {}, body = null, onProgress, signal }) {
  return new Promise((resolve, reject) => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    for (const [key, value] of Object.entries(headers)) req.setRequestHeader(key, value);
    if (onProgress) req.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    req.onload = () => resolve(req);
    req.onerror = () => reject(new ApiError(0, 'Cannot reach the server'));
    req.ontimeout = req.onerror;
    req.onabort = () => reject(new DOMException('Aborted', 'AbortError'));
    if (signal) {
      if (signal.aborted) { reject(new DOMException('Aborted', 'AbortError')); return; }
      signal.addEventListener('abort', () => req.abort(), { once: true });
    }
    req.send(body);
  });
}

/** The ApiError for a finished xhr that did not succeed (and the sign-out on 401). */
export function xhrError(req) {
  return fail(req.status, messageOf(parseJson(req.responseText), req.status, req.statusText));
}

/**
 * Server-Sent Events read with fetch, because EventSource cannot send the Authorization header.
 * Calls onEvent(name, data) per event; resolves when the server ends the stream.
 */
export async function events(path, { signal, onEvent }) {
  const bearer = token();
  if (!bearer) throw fail(401, 'Please sign in.');
  let response;
  try {
    response = await fetch(base() + path, { headers: { ...authHeaders(bearer), Accept: 'text/event-stream' }, signal, cache: 'no-store' });
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'Cannot reach the server');
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw fail(response.status, messageOf(parseJson(text), response.status, response.statusText));
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let name = '';
  let data = [];
  const line = (text) => {
    if (text === '') {
      // A blank line ends the event.
      if (data.length) onEvent(name || 'message', data.join('\n'));
      name = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return; // a keep-alive comment
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let match;
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      while ((match = /\r\n|\n|\r(?!$)/.exec(buffer))) {
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    }
  } catch (error) {
    if (isAbort(error)) throw error;
    throw new ApiError(0, 'Cannot reach the server');
  } finally {
    reader.releaseLock?.();
  }
}

// Signed tokens, per video, reused until shortly before they expire (they last an hour by default).
const signedTokens = new Map();

/** The `exp` of a JWT, in ms; null when it cannot be read. */
export function tokenExpiry(jwt) {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const exp = JSON.parse(atob(payload)).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** A signed token (downloadable) for a private video's media and thumbnails: `{ token, expires }`. */
export function signedToken(uid, { fresh = false } = {}) {
  const cached = signedTokens.get(uid);
  if (!fresh && cached && (!cached.expires || cached.expires > Date.now() + 5 * 60_000)) return cached.promise;
  const entry = { expires: 0, promise: null };
  entry.promise = post(`/${encodeURIComponent(uid)}/token`, { downloadable: true }).then((answer) => {
    const jwt = answer.result.token;
    entry.expires = tokenExpiry(jwt) || Date.now() + 3_600_000;
    return { token: jwt, expires: entry.expires };
  });
  entry.promise.catch(() => { if (signedTokens.get(uid) === entry) signedTokens.delete(uid); });
  signedTokens.set(uid, entry);
  return entry.promise;
}
