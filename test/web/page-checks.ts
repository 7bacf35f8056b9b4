/**
 * Checks a browser test runs on a page in Chromium (playwright-core): no sideways scrolling on a
 * phone, and axe-core without serious or critical violations. Both are evaluated through the
 * debugger protocol, which the pages' CSP does not govern (no script is added to the page's origin).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import * as assert from 'uvu/assert';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The page's width, the viewport's, and up to 5 elements that end past the right edge (outside a box meant to scroll sideways). */
const OVERFLOW = `(() => {
  const w = window.innerWidth, wide = [];
  for (const el of Array.from(document.querySelectorAll('header *, main *'))) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= w + 1) continue;
    let inScroller = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (/auto|scroll/.test(getComputedStyle(p).overflowX)) inScroller = true;
    if (!inScroller) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ends at ' + Math.round(r.right));
  }
  return { page: document.documentElement.scrollWidth, viewport: w, wide: wide.slice(0, 5) };
})()`;

const SERIOUS = `axe.run({ resultTypes: ['violations'] }).then((r) => r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => v.id + ' (' + v.impact + ') at ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`;

/** The page is exactly as wide as the viewport, and nothing sticks out of it. `label` names the page in a failure (default: its URL). */
export async function assertNoSidewaysScroll(p: Page, label = p.url()): Promise<void> {
  const r = (await p.evaluate(OVERFLOW)) as { page: number; viewport: number; wide: string[] };
  assert.is(r.page, r.viewport, `${label}: the page is ${r.page} px wide on a ${r.viewport} px viewport`);
  assert.equal(r.wide, [], `${label}: elements past the right edge`);
}

/** axe-core finds no serious or critical violation. `label` names the page in a failure (default: its URL). */
export async function assertAxeClean(p: Page, label = p.url()): Promise<void> {
  await p.evaluate(AXE);
  assert.equal((await p.evaluate(SERIOUS)) as string[], [], `${label}: serious or critical accessibility violations`);
}
