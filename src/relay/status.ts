/**
 * The relay's status: one JSON snapshot (served at /status) and a small HTML page (served at /)
 * built from it. Pure: the HTTP server is adapters/http-status.ts.
 */
import { purposeNames } from './consent.js';
import type { ContributionRecord } from './types.js';

export interface RelayStatus {
  startedAt: string;
  uptimeS: number;
  /** 'running', or 'failed' after a store failure (the relay stopped acknowledging). */
  state: 'running' | 'failed';
  failure?: string;
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
    /**
     * Images made through sharp instead of the relay's own code: raw views its JPEG reader does
     * not take (progressive, odd sampling, not 8x the background...) and backgrounds whose size is
     * not a whole multiple of the device's (derive.ts).
     */
  };
  rejectedByReason: Record<string, number>;
  rejectedByCamera: Record<string, Record<string, number>>;
  /** First chunk received to S3 confirmed, over the recent bundles, ms. */
  latencyMs: { p50: number | null; p99: number | null; samples: number };
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function table(title: string, rows: [string, unknown][]): string {
  if (rows.length === 0) return `<h2>${esc(title)}</h2><p>none</p>`;
  return `<h2>${esc(title)}</h2><table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** The status page: counts, rejections by reason and camera, and the latest contributions with their keys. */
export function statusHtml(s: RelayStatus, recent: ContributionRecord[]): string {
  const c = s.counts;
  const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
  const byCamera: [string, unknown][] = [];
  for (const [cam, reasons] of Object.entries(s.rejectedByCamera)) {
    byCamera.push([cam, Object.entries(reasons).map(([r, n]) => `${r}: ${n}`).join(', ')]);
  }
  const rows = recent.map((r) => `<tr><td>${esc(new Date(r.captureTimeMs).toISOString())}</td><td>${esc(r.cameraId)}</td><td>${esc(r.ownerId)}</td>` +
    `<td>${esc(purposeNames(r.purposes).join('+'))}</td><td><code>${esc(r.keyPrefix)}</code></td><td>${esc(r.objects.map((o) => o.name).join(' '))}</td></tr>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>quietcam relay</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1em}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f4f4f4}code{font-size:12px}.bad{color:#b00}</style></head><body>
<h1>quietcam relay</h1>
<p>${s.state === 'running' ? 'running' : `<span class="bad">FAILED: ${esc(s.failure)}</span>`} since ${esc(s.startedAt)} &middot; broker ${esc(s.broker.url)} ${s.broker.connected ? 'connected' : '<span class="bad">disconnected</span>'} &middot;
bucket ${esc(s.bucket.bucket)} at ${esc(s.bucket.endpoint)} (${esc(s.bucket.region)}, SSE ${esc(s.bucket.sse)}) &middot; <a href="/status">JSON</a></p>
${table('Counts', [
    ['bundles received', c.received], ['accepted', c.accepted], ['uploaded', c.uploaded], ['pending (outbox)', c.pending], ['uploading', c.uploading],
    ['upload retries', c.retries], ['rejected', c.rejected], ['duplicates', c.duplicate], ['incomplete (timeout / evicted)', `${c.incomplete.timeout} / ${c.incomplete.evicted}`],
    ['partial now', `${c.partial} (${c.partialBytes} bytes)`], ['chunks received / duplicate / dropped', `${c.chunksReceived} / ${c.chunksDuplicate} / ${c.chunksDropped}`],
    ['latency p50 / p99 (first chunk to S3 confirmed)', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p99)}`],
  ])}
${table('Rejected by reason', Object.entries(s.rejectedByReason))}
${table('Rejected by camera', byCamera)}
<h2>Latest contributions</h2>
${recent.length ? `<table><tr><th>captured</th><th>camera</th><th>owner</th><th>purposes</th><th>stored under</th><th>objects</th></tr>${rows}</table>` : '<p>none yet</p>'}
</body></html>`;
}
