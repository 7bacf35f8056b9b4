/**
 * Checks run inside Chromium pages (playwright-core): the page fits a phone's width, and axe-core
 * finds no serious or critical violation. The same probes as test/web/newcomer.test.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** In the page: its width, the viewport's, and elements past the right edge outside a box that scrolls sideways on purpose. */
const LAYOUT_PROBE = `(() => {
  const d = document.documentElement, w = window.innerWidth, out = [];
  for (const el of Array.from(document.querySelectorAll('main *, header *'))) {
    const b = el.getBoundingClientRect();
    if (b.width === 0 || b.right <= w + 1) continue;
    let scrolls = false;
    for (let q = el.parentElement; q && q !== document.body; q = q.parentElement) if (/(auto|scroll)/.test(getComputedStyle(q).overflowX)) scrolls = true;
    if (!scrolls) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' right=' + Math.round(b.right));
  }
  return { scrollWidth: d.scrollWidth, width: w, out: out.slice(0, 5) };
})()`;

const AXE_RUN = `axe.run({ resultTypes: ['violations'] }).then((r) => r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`;

/** Page width equals the viewport width (no sideways scrolling), and nothing sticks out of it. */
export async function checkPhoneLayout(p: Page, what: string): Promise<void> {
  const r = (await p.evaluate(LAYOUT_PROBE)) as { scrollWidth: number; width: number; out: string[] };
  assert.is(r.scrollWidth, r.width, `${what}: page width ${r.scrollWidth} on a ${r.width} px viewport`);
  assert.equal(r.out, [], `${what}: elements past the right edge`);
}

/** axe-core run in the page (evaluated through the debugger protocol, which the CSP does not govern). */
export async function checkAccessibility(p: Page, what: string): Promise<void> {
  await p.evaluate(AXE);
  const violations = (await p.evaluate(AXE_RUN)) as string[];
  assert.equal(violations, [], `${what}: serious or critical accessibility violations`);
}
