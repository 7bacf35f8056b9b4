// Acceptance figures of the foundation issue: generated scenes always, the shared footage when
// present (skipped loudly when ../shared/footage is absent).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sceneFigures, treeFigures, vtestFigures, hallFigures, printFigures, Figure } from '../../sim/figures.ts';

function check(figures: Figure[]) {
  printFigures('', figures);
  for (const f of figures) {
    if (f.pass === null) console.warn(`SKIPPED: ${f.name}: ${f.value} (read from ../shared/footage)`);
    else assert.ok(f.pass, `${f.name}: ${f.value}, goal ${f.goal}`);
  }
}

test('generated scenes: plain F >= 0.90, static IoU >= 0.6, no events without motion', async () => check(await sceneFigures()));
test('tree.avi: quiet while only the tree moves, event when the hand enters', async () => check(await treeFigures()));
test('vtest.avi: motion events while people walk', async () => check(await vtestFigures()));
test('HallAndMonitor: cell F >= 0.75 at 80 wide', async () => check(await hallFigures()));

test.run();
