// The admin API client: session cookie (sent by the browser), CSRF header on every non-GET, OpenAI-shaped errors.

let csrfToken = null;
let unauthorizedHandler = () => {};

export function setCsrfToken(token) {
  csrfToken = token || null;
}

/** Called on any 401 outside the login call: the session expired or was never there. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

export class ApiError extends Error {
  constructor(status, error) {
    super(messageFor(status, error));
    this.status = status;
    this.code = error?.code ?? null;
    this.type = error?.type ?? null;
    this.param = error?.param ?? null;
  }
}

function messageFor(status, error) {
  if (status === 403 && error?.code === 'insufficient_role') {
    return 'Your role cannot do this.';
  }
  if (error?.message) {
    return error.message;
  }
  if (status === 0) {
    return 'The gateway did not answer. Is it running?';
  }
  return `Request failed (HTTP ${status}).`;
}

/** Headers for a request with the session: the CSRF token on anything that changes state. */
export function headersFor(method, extra = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['x-csrf-token'] = csrfToken;
  }
  return headers;
}

export async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's HTML page): the status alone says enough
  }
  return new ApiError(response.status, body?.error ?? null);
}

/** Sends a request and returns the parsed JSON (null for 204). Throws ApiError for any non-2xx answer. */
export async function api(method, path, body, options = {}) {
  const headers = headersFor(method, options.headers);
  const init = { method, headers, credentials: 'same-origin', signal: options.signal };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') {
      throw err;
    }
    throw new ApiError(0, null);
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && !options.allowUnauthorized) {
      unauthorizedHandler();
    }
    throw error;
  }
  if (response.status === 204) {
    return null;
  }
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body, options);
export const put = (path, body, options) => api('PUT', path, body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      q.set(key, value);
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const enc = encodeURIComponent;
