/**
 * The relay's status: the full snapshot (`RelayStatus`, for the process itself, its tests and its
 * log) and the anonymous view of it that the status server shows (`PublicStatus`, JSON at /status
 * and a small HTML page at /). The status server has no sign-in, so what it shows is what anyone
 * who reaches the port may know: counts and health only. No owner id, camera id, S3 key, bundle id,
 * credential or error text (an error message may quote a key or a path): an owner's own figures
 * are on the owner pages (src/web/routes/status.ts), behind sign-in. Pure: the HTTP server is
 * adapters/http-status.ts.
 */

export interface RelayStatus {
  startedAt: string;
  uptimeS: number;
  /**
   * 'running'; 'paused' while the data folder is full or read-only (not acknowledging, uploading,
   * resumes by itself: storage.ts); 'failed' after any other store failure (stopped acknowledging).
   */
  state: 'running' | 'paused' | 'failed';
  failure?: string;
  /** The data folder's trouble while paused (a kind, never error text), and how often it paused. */
  storage: { problem: 'full' | 'read-only' | 'io-error' | null; pauses: number };
  broker: { url: string; connected: boolean };
  bucket: { endpoint: string; region: string; bucket: string; sse: string };
  counts: {
    chunksReceived: number;
    chunksDuplicate: number;
    chunksDropped: number;
    /** Bundles reassembled (valid or not). */
    received: number;
    accepted: number;
    duplicate: number;
    rejected: number;
    uploaded: number;
    /** In the outbox, waiting for S3. */
    pending: number;
    uploading: number;
    retries: number;
    /** Bundles given up on: no chunk for the timeout, or evicted to keep memory bounded. */
    incomplete: { timeout: number; evicted: number };
    /** Partial bundles held right now, and their bytes. */
    partial: number;
    partialBytes: number;
    objectsUploaded: number;
    bytesUploaded: number;
    /** End-to-end acks to cameras: sent, not sent (no connection, no secret), refusals signed (ack.ts). */
    acks: { sent: number; unsent: number; refusals: number };
  };
  rejectedByReason: Record<string, number>;
  rejectedByCamera: Record<string, Record<string, number>>;
  /** First chunk received to S3 confirmed, over the recent bundles, ms. */
  latencyMs: { p50: number | null; p99: number | null; samples: number };
}

/** What the status server shows to anyone: counts and health, no ids, keys or credentials. */
export interface PublicStatus {
  startedAt: string;
  uptimeS: number;
  state: 'running' | 'paused' | 'failed';
  storage: RelayStatus['storage'];
  broker: { url: string; connected: boolean };
  bucket: { endpoint: string; region: string; sse: string };
  counts: RelayStatus['counts'];
  rejectedByReason: Record<string, number>;
  /** How many cameras had something rejected, not which (an id is a topic an attacker could use). */
  camerasWithRejections: number;
  latencyMs: RelayStatus['latencyMs'];
}

/** `scheme://user:pass@host:port/...` without the user and password (a broker or S3 URL may carry them). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i, '$1');
}

/** Counts are numbers only (nested objects of numbers at most); anything else is dropped. */
function numbersOnly<T>(v: T): T {
  if (typeof v === 'number') return v;
  if (v === null || typeof v !== 'object') return undefined as T;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = numbersOnly(x);
    if (n !== undefined) out[k] = n;
  }
  return out as T;
}

/** The anonymous view of a status snapshot. */
export function publicStatus(s: RelayStatus): PublicStatus {
  return {
    startedAt: s.startedAt,
    uptimeS: s.uptimeS,
    state: s.state,
    storage: { problem: s.storage.problem, pauses: s.storage.pauses },
    broker: { url: withoutCredentials(s.broker.url), connected: s.broker.connected },
    bucket: { endpoint: withoutCredentials(s.bucket.endpoint), region: s.bucket.region, sse: s.bucket.sse },
    counts: numbersOnly(s.counts),
    rejectedByReason: numbersOnly(s.rejectedByReason),
    camerasWithRejections: Object.keys(s.rejectedByCamera).length,
    latencyMs: { ...s.latencyMs },
  };
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(title: string, rows: [string, unknown][]): string {
  if (rows.length === 0) return `<h2>${esc(title)}</h2><p>none</p>`;
  return `<h2>${esc(title)}</h2><table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** Labels for the counters the page knows; another counter is shown under its own name. */
const LABELS: Record<string, string> = {
  received: 'bundles received', accepted: 'accepted', uploaded: 'uploaded', pending: 'pending (outbox)', uploading: 'uploading',
  retries: 'upload retries', rejected: 'rejected', duplicate: 'duplicates', incomplete: 'incomplete', partial: 'partial bundles now',
  partialBytes: 'partial bytes now', chunksReceived: 'chunks received', chunksDuplicate: 'chunks duplicate', chunksDropped: 'chunks dropped',
  objectsUploaded: 'objects uploaded', bytesUploaded: 'bytes uploaded', acks: 'acks to cameras',
};

function countRows(counts: Record<string, unknown>): [string, unknown][] {
  return Object.entries(counts).map(([k, v]) => [LABELS[k] ?? k,
    v !== null && typeof v === 'object' ? Object.entries(v).map(([a, n]) => `${a}: ${n}`).join(', ') : v]);
}

const STORAGE_TEXT = { full: 'the data folder\'s disk is full', 'read-only': 'the data folder cannot be written', 'io-error': 'the data folder\'s disk fails' };

function stateHtml(p: PublicStatus): string {
  if (p.state === 'running') return 'running';
  if (p.state === 'failed') return '<span class="bad">FAILED: see the relay\'s log</span>';
  return `<span class="bad">PAUSED: ${STORAGE_TEXT[p.storage.problem ?? 'io-error']}. New bundles are not acknowledged (the broker keeps them); uploads continue; the relay resumes by itself once it can write</span>`;
}

/** The status page: health and counts only (see the header comment for what it leaves out and why). */
export function statusHtml(p: PublicStatus): string {
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>quietcam relay</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}.bad{color:#b00}</style></head><body>
<h1>quietcam relay</h1>
<p>${stateHtml(p)} since ${esc(p.startedAt)} &middot; broker ${esc(p.broker.url)} ${p.broker.connected ? 'connected' : '<span class="bad">disconnected</span>'} &middot;
S3 at ${esc(p.bucket.endpoint)} (${esc(p.bucket.region)}, SSE ${esc(p.bucket.sse)}) &middot; <a href="/status">JSON</a></p>
${table('Counts', [...countRows(p.counts as unknown as Record<string, unknown>),
    ['latency p50 / p99 (first chunk to S3 confirmed)', `${ms(p.latencyMs.p50)} / ${ms(p.latencyMs.p99)}`],
    ['cameras with rejections', p.camerasWithRejections]])}
${table('Rejected by reason', Object.entries(p.rejectedByReason))}
<p>Owners see their own cameras' figures on the owner pages (Status), after signing in.</p>
</body></html>`;
}
