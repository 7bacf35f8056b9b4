/**
 * Writes a method's masks for every scored frame as 8-bit 0/255 PNGs at the working-grid size:
 * DIR/<sequence>/motion/<frame>.png, .../static/<frame>.png, .../sky/<frame>.png, where <frame> is
 * the input file's stem for CDnet folders (in000470) and frame000123 for videos and scenes.
 *
 * Limits: one write at a time (the run waits for each frame's three files), which costs ~1 ms a
 * frame at 80x60; sequence names are reduced to [A-Za-z0-9._-] and made unique within a run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeGreyPng } from '../image-io.js';
import type { EvalFrame } from './evaluate.js';

const KINDS = ['motion', 'static', 'sky'] as const;

/** A file-system-safe folder name for a sequence. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'sequence';
}

/** Stem used for a frame's mask files. */
export function frameStem(frame: { index: number; name?: unknown }): string {
  return typeof frame.name === 'string' && frame.name ? frame.name : `frame${String(frame.index).padStart(6, '0')}`;
}

export class MaskWriter {
  private readonly used = new Set<string>();

  constructor(private readonly dir: string) {}

  /**
   * Returns an `onFrame` hook that writes the masks of method number `methodIndex` (default the
   * first) for a sequence, creating its folders first.
   */
  async forSequence(sequence: string, methodIndex = 0): Promise<(f: EvalFrame) => Promise<void>> {
    let name = safeName(sequence);
    for (let k = 2; this.used.has(name); k++) name = `${safeName(sequence)}-${k}`;
    this.used.add(name);
    const root = join(this.dir, name);
    for (const kind of KINDS) await mkdir(join(root, kind), { recursive: true });
    let buf = new Uint8Array(0);
    const write = async (kind: string, stem: string, mask: Uint8Array, w: number, h: number) => {
      if (buf.length !== mask.length) buf = new Uint8Array(mask.length);
      for (let i = 0; i < mask.length; i++) buf[i] = mask[i] ? 255 : 0;
      await writeFile(join(root, kind, `${stem}.png`), encodeGreyPng(buf, w, h));
    };
    return async (f: EvalFrame) => {
      if (!f.frame.scored) return;
      const m = f.methods[methodIndex];
      const stem = frameStem(f.frame as { index: number; name?: unknown });
      await write('motion', stem, m.out.foreground, f.gridWidth, f.gridHeight);
      await write('static', stem, m.staticGrid, f.gridWidth, f.gridHeight);
      await write('sky', stem, m.skyGrid, f.gridWidth, f.gridHeight);
    };
  }
}
