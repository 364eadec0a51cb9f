// The public HTTP API, as any other dashboard would call it: a Bearer key from sessionStorage,
// JSON in and out, one error shape.

export const KEY_NAME = "claimtrack.apiKey";

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `the service answered ${status}`);
    this.status = status;
    this.body = body || {};
  }

  get fieldErrors() {
    return this.body.errors || {};
  }
}

let onUnauthorized = () => {};

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME);
}

export function saveKey(key) {
  sessionStorage.setItem(KEY_NAME, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_NAME);
}

// path is under /api/v1; query is an object (arrays repeat the parameter).
export function url(path, query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ""}`;
}

// Answers the parsed body; null for 204 and 304. Throws ApiError for anything else not 2xx.
export async function api(path, { method = "GET", query, body, headers = {}, signal } = {}) {
  const key = apiKey();
  const sent = { Accept: "application/json", ...headers };
  if (key) sent.Authorization = `Bearer ${key}`;
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url(path, query), {
      method, headers: sent, signal, cache: "no-store", credentials: "omit",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, { message: "the service cannot be reached; check your connection" });
  }
  if (response.status === 204 || response.status === 304) return null;
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = { message: `the service answered ${response.status} without JSON` };
  }
  if (response.status === 401) {
    onUnauthorized(data && data.message);
    throw new ApiError(401, data);
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// A claim change: If-Match carries the version the reviewer saw.
export function transition(claim, body) {
  return api(`/claims/${encodeURIComponent(claim.id)}/transitions`, {
    method: "POST", body, headers: { "If-Match": `"${claim.version}"` },
  });
}
