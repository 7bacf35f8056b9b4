/**
 * The named scenes. Each is a SceneSpec in resolution-independent units, so it renders at any
 * size (default 320x240 at 10 fps). Timing rules that tests and detector tuning rely on:
 *  - nothing moving appears before 10 s (100 frames of warm-up at 10 fps), except in `boot`,
 *    which is about a camera that boots into motion;
 *  - an object that stops stays still for at least 30 s before the scene ends;
 *  - the seed changes looks (textures, tones, noise, sway), never the timeline.
 */
import type { ElementSpec, SceneSpec } from './types.js';

/** Open street: sky, an irregular skyline of buildings, pavements and a road. */
const STREET: ElementSpec[] = [{ kind: 'sky' }, { kind: 'buildings' }, { kind: 'ground' }];
/** Courtyard: a brick wall fills everything above the horizon (no sky). */
const COURTYARD: ElementSpec[] = [{ kind: 'buildings', solid: true }, { kind: 'ground' }];

export interface CatalogScene extends SceneSpec {
  name: string;
  description: string;
  seconds: number;
}

export const CATALOG: readonly CatalogScene[] = [
  {
    name: 'plain',
    description: 'courtyard, sensor noise, three people walking across (dark, light, mixed clothes; 0.7–1.5 m/s), two at once near the end: the basic detection scene',
    seconds: 60,
    elements: [
      ...COURTYARD, { kind: 'noise', sigma: 2 },
      { kind: 'person', enterAt: 12, speed: 1.2, dir: 1, y: 0.85, tone: 'dark' },
      { kind: 'person', enterAt: 26, speed: 0.7, dir: -1, y: 0.72, tone: 'light' },
      { kind: 'person', enterAt: 40, speed: 1.5, dir: 1, y: 0.93, tone: 'mixed' },
    ],
  },
  {
    name: 'tree',
    description: 'street with a swaying tree against the sky, drifting clouds and noise; nothing else: no motion truth, any detection is a false alarm',
    seconds: 60,
    elements: [...STREET, { kind: 'clouds' }, { kind: 'tree' }, { kind: 'noise', sigma: 2 }],
  },
  {
    name: 'clouds',
    description: 'street under faster, more contrasted clouds, and noise: no motion truth',
    seconds: 60,
    elements: [...STREET, { kind: 'clouds', speed: 1, contrast: 18, cover: 0.5 }, { kind: 'noise', sigma: 2 }],
  },
  {
    name: 'light-switch',
    description: 'courtyard and noise; the light goes to ×0.6 at 20 s and back at 40 s: no motion truth',
    seconds: 60,
    elements: [...COURTYARD, { kind: 'noise', sigma: 2 }, { kind: 'light', at: 20, until: 40, gain: 0.6 }],
  },
  {
    name: 'ir-night',
    description: 'street and noise; the camera switches to its IR night look at 20 s (flat contrast, more noise): no motion truth',
    seconds: 50,
    elements: [...STREET, { kind: 'noise', sigma: 2 }, { kind: 'ir', at: 20 }],
  },
  {
    name: 'exposure',
    description: 'street and noise; auto-exposure jumps to ×1.12 at 20 s and to ×1.12×0.9 at 35 s: no motion truth',
    seconds: 50,
    elements: [...STREET, { kind: 'noise', sigma: 2 }, { kind: 'exposure', at: 20, gain: 1.12 }, { kind: 'exposure', at: 35, gain: 0.9 }],
  },
  {
    name: 'noise',
    description: 'a static courtyard with strong sensor noise (sigma 4) and nothing else: no motion truth',
    seconds: 40,
    elements: [...COURTYARD, { kind: 'noise', sigma: 4 }],
  },
  {
    name: 'parked-car',
    description: 'street and noise; a car drives in at 12 s, brakes and parks mid-frame at 17 s, and stays 43 s (static foreground)',
    seconds: 60,
    elements: [...STREET, { kind: 'noise', sigma: 2 }, { kind: 'car', enterAt: 12, parkX: 0.55, approachS: 5 }],
  },
  {
    name: 'package',
    description: 'courtyard and noise; a person carries a box in from 12 s, puts it down near the middle (~17 s) and walks out; the box stays (static foreground)',
    seconds: 60,
    elements: [...COURTYARD, { kind: 'noise', sigma: 2 }, { kind: 'package', enterAt: 12, dropX: 0.45, y: 0.85, speed: 1 }],
  },
  {
    name: 'tree-person',
    description: 'swaying tree, clouds and noise; two people walk in front of the tree (15 s, 30 s): motion truth only on the people',
    seconds: 60,
    elements: [
      ...STREET, { kind: 'clouds' }, { kind: 'tree', x: 0.5, y: 0.62, heightM: 8, trunkM: 0.8, crownM: 6 }, { kind: 'noise', sigma: 2 },
      { kind: 'person', enterAt: 15, speed: 1, dir: 1, y: 0.63, tone: 'dark' },
      { kind: 'person', enterAt: 30, speed: 0.8, dir: -1, y: 0.64, tone: 'light' },
    ],
  },
  {
    name: 'busy',
    description: 'everything: tree, clouds, five people, a car that parks (25–30 s), a dropped package (~44 s), exposure jump (60 s), light dimmed 70–85 s, IR from 100 s',
    seconds: 120,
    elements: [
      ...STREET, { kind: 'clouds' }, { kind: 'tree' }, { kind: 'noise', sigma: 2 },
      { kind: 'person', enterAt: 12, speed: 1.1, dir: 1, y: 0.86 },
      { kind: 'person', enterAt: 20, speed: 0.8, dir: -1, y: 0.78 },
      { kind: 'car', enterAt: 25, parkX: 0.3, approachS: 5 },
      { kind: 'package', enterAt: 40, dropX: 0.7, y: 0.9, speed: 1.2 },
      { kind: 'person', enterAt: 55, speed: 1.4, dir: 1, y: 0.8 },
      { kind: 'exposure', at: 60, gain: 1.1 },
      { kind: 'light', at: 70, until: 85, gain: 0.7 },
      { kind: 'person', enterAt: 75, speed: 0.6, dir: -1, y: 0.92 },
      { kind: 'ir', at: 100 },
      { kind: 'person', enterAt: 102, speed: 1.2, dir: 1, y: 0.84 },
    ],
  },
  // Issue 18: one scene per class the detector fell short on.
  {
    name: 'queue',
    description: 'courtyard with a door, noise; three people with hard shadows (truth 50) walk up and wait by the door (25, 20, 15 s), a fourth walks past: people who stand still',
    seconds: 70,
    elements: [
      ...COURTYARD, { kind: 'noise', sigma: 2 },
      { kind: 'person', enterAt: 12, speed: 1, dir: 1, y: 0.8, tone: 'dark', stopX: 0.3, waitS: 25, shadow: true },
      { kind: 'person', enterAt: 15, speed: 0.9, dir: 1, y: 0.88, tone: 'light', stopX: 0.45, waitS: 20, shadow: true },
      { kind: 'person', enterAt: 18, speed: 1.1, dir: -1, y: 0.74, tone: 'mixed', stopX: 0.6, waitS: 15, shadow: true },
      { kind: 'person', enterAt: 40, speed: 1.3, dir: 1, y: 0.93, tone: 'dark', shadow: true },
    ],
  },
  {
    name: 'boot',
    description: 'the camera boots into a busy street: four people already walking in the first frame, a car arriving at 2 s and parking; motion truth from frame 0',
    seconds: 40,
    elements: [
      ...STREET, { kind: 'noise', sigma: 2 },
      { kind: 'person', enterAt: 0, startX: 0.2, speed: 1.2, dir: 1, y: 0.86, tone: 'dark' },
      { kind: 'person', enterAt: 0, startX: 0.75, speed: 0.9, dir: -1, y: 0.78, tone: 'light' },
      { kind: 'person', enterAt: 0, startX: 0.5, speed: 1.4, dir: 1, y: 0.93, tone: 'mixed' },
      { kind: 'person', enterAt: 0, startX: 0.35, speed: 1, dir: -1, y: 0.7, tone: 'dark' },
      { kind: 'car', enterAt: 2, parkX: 0.6, approachS: 4 },
    ],
  },
  {
    name: 'sky-crown',
    description: 'two big trees whose crowns fill much of the sky sway hard in the wind, clouds, noise: sky seen around and through moving crowns; no motion truth',
    seconds: 50,
    elements: [
      ...STREET, { kind: 'clouds' },
      { kind: 'tree', x: 0.28, y: 0.6, heightM: 15, crownM: 9, trunkM: 3, swayM: 0.9, periodS: 2 },
      { kind: 'tree', x: 0.8, y: 0.58, heightM: 13, crownM: 7, trunkM: 3, swayM: 0.7, periodS: 1.7 },
      { kind: 'noise', sigma: 2 },
    ],
  },
  {
    name: 'facade',
    description: 'a bright, flat rendered façade up to the top of the frame, a row of windows, noise: no sky at all (the sky mask must stay empty); no motion truth',
    seconds: 40,
    elements: [{ kind: 'buildings', solid: true, facade: true }, { kind: 'ground' }, { kind: 'noise', sigma: 2 }],
  },
  {
    name: 'fog',
    description: 'the courtyard in dense fog (contrast ×0.25 toward a bright grey), noise: no sky (the mask must stay empty); no motion truth',
    seconds: 40,
    elements: [...COURTYARD, { kind: 'fog' }, { kind: 'noise', sigma: 2 }],
  },
  {
    name: 'bag',
    description: 'indoor-like courtyard, noise; a person walks in at 12 s, sits down with a bag beside them and partly in front of it, moves an arm every 5 s for 240 s (longer than the static and absorb times), then leaves: the bag stays (static foreground)',
    seconds: 300,
    elements: [...COURTYARD, { kind: 'noise', sigma: 2 }, { kind: 'package', enterAt: 12, dropX: 0.4, y: 0.9, speed: 1, heightM: 1.3, boxM: 0.9, waitS: 240, reach: 0.4, fidgetS: 5 }],
  },
  {
    name: 'quiet',
    description: 'tree, clouds and noise, and the light dimmed to ×0.65 at 30 s: lots of change, no motion truth at all',
    seconds: 60,
    elements: [...STREET, { kind: 'clouds' }, { kind: 'tree' }, { kind: 'noise', sigma: 2 }, { kind: 'light', at: 30, gain: 0.65 }],
  },
];
