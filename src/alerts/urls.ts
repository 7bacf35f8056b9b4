/**
 * Where alerts may be sent, checked where the owner sets them (the pages) and again where they are
 * sent (the channels). Pure: no I/O, no packages.
 */

export const MAX_PUSH_SUBSCRIPTIONS = 10; // per account (browsers and phones)

/** True for an http(s) URL of at most 2000 characters without credentials in it. */
export function webhookUrlOk(u: string): boolean {
  if (u.length > 2000) return false;
  try {
    const url = new URL(u);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password && !!url.hostname;
  } catch {
    return false;
  }
}

/** A push endpoint the browser gave: https, or http on loopback (tests and local push services). */
export function pushEndpointOk(endpoint: string): boolean {
  try {
    const u = new URL(endpoint);
    if (endpoint.length > 1000 || u.username || u.password) return false;
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]'));
  } catch {
    return false;
  }
}
