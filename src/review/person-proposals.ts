/**
 * Proposed boxes from a person detector (the alerts' PersonDetector port, branch a1:
 * src/adapters/person-*.ts): its person boxes, in the view's pixels, become proposed 'person'
 * boxes, rounded and clipped to the image; slivers under 2 px are dropped. Typed structurally so
 * the console does not depend on the alerts' modules; cli/review.ts wires a real detector in.
 *
 * @example const proposer = personProposals(await nanodetPersonDetector());
 */
import type { Box, Item, Proposer } from './ports.js';

export interface PersonBoxesSource {
  detect(jpeg: Uint8Array): Promise<{ boxes: { x: number; y: number; w: number; h: number; score: number }[] }>;
}

export function personProposals(detector: PersonBoxesSource, maxBoxes = 20): Proposer {
  return {
    async propose(image: Uint8Array, item: Item): Promise<Box[]> {
      const r = await detector.detect(image);
      const out: Box[] = [];
      for (const b of r.boxes.slice(0, maxBoxes)) {
        const x = Math.max(0, Math.round(b.x));
        const y = Math.max(0, Math.round(b.y));
        const w = Math.min(item.width, Math.round(b.x + b.w)) - x;
        const h = Math.min(item.height, Math.round(b.y + b.h)) - y;
        if (w >= 2 && h >= 2) out.push({ label: 'person', x, y, w, h });
      }
      return out;
    },
  };
}
