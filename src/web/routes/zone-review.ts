/**
 * What the review console did with the owner's contributions, for the Data Integrity Zone: the
 * ones a reviewer flagged (deleted from S3 by the console; here the index row goes too) with the
 * reason in one word, and "your contributions so far". Read from S3 (src/operator/home.ts).
 */
import { html, type Html } from '../html.js';
import type { WebPorts } from '../ports.js';
import { formatDay } from '../time.js';

/** `tz`: the owner's time zone (days are shown in it, and named). */
export async function reviewSection(ports: WebPorts, ownerId: string, tz: string): Promise<Html> {
  const day = (ms: number) => formatDay(ms, tz);
  if (!ports.operator) return html``;
  let flags, stats;
  try {
    [flags, stats] = await Promise.all([ports.operator.flags(ownerId), ports.operator.stats(ownerId)]);
  } catch {
    return html`<p class="warn" id="review-unavailable">The review console's notes could not be read from S3 just now.</p>`;
  }
  // The console deleted these from S3; the home's index must not list them as stored any more.
  for (const f of flags) ports.contributions.remove(ownerId, f.cameraId, f.bundleId);
  const given = ports.contributions.count(ownerId);
  const names = new Map(ports.cameras.listByOwner(ownerId).map((c) => [c.cameraId, c.name]));
  return html`<h2>Your contributions so far</h2>
<p id="so-far">${given} stored · ${stats?.annotated ?? 0} annotated by reviewers (${stats?.boxes ?? 0} objects marked) · ${flags.length} flagged and deleted</p>
${flags.length ? html`<h3>Flagged and deleted by a reviewer</h3><p>A reviewer found these should not have been sent. They were deleted from S3 at once, with every copy and annotation, will not be stored again, and are never exported.</p>
<table id="flagged"><tr><th>Camera</th><th>Contribution</th><th>Captured (${tz})</th><th>Deleted</th><th>Why</th></tr>${flags.map((f) => html`<tr class="flag">
<td>${names.get(f.cameraId) ?? f.cameraId}</td><td>${f.bundleId}</td><td>${f.captureTimeMs === null ? '' : day(f.captureTimeMs)}</td><td>${day(f.atMs)}</td><td class="reason">${f.reason}</td></tr>`)}</table>` : ''}`;
}
