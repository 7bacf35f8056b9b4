/**
 * Entry of the firmware bundle (dist/firmware/<board>.js). The host (the C runtime with Duktape
 * on the desktop, with JerryScript on the board) defines the global `ports` before evaluating
 * the bundle, then calls, on the global `quietcam` this file becomes:
 *   quietcam.start()                 once, after boot (allocates everything)
 *   quietcam.configTopic()           the topic to subscribe to (retained consent)
 *   quietcam.ackTopic()              the topic to subscribe to as well (the relay's signed acks)
 *   quietcam.commandTopic()          and this one (the owner's signed live-view requests)
 *   quietcam.reconnected()           the MQTT connection came back (waiting bundles are sent again)
 *   quietcam.receive(topic, bytes)   for each message on a subscribed topic
 *   quietcam.step()                  once per camera frame
 *   quietcam.stats()                 counters and sizes, whenever asked
 *   quietcam.checkKernels(n, seed)   diagnostics: null when ports.kernels match the reference on n cases
 *   quietcam.consentCheck(config, purpose, wallMs, synced)  diagnostics: the board's consent decision
 *                                    ('on' or the reason) for a config payload (test/firmware/consent-table)
 *   quietcam.benchMac(bytes, out)    diagnostics: a MAC of bytes with the camera key (bench/firmware-mac.ts)
 * QUIETCAM_BOARD is the board profile, inlined by firmware/build.ts. ES5-safe.
 */
import { checkKernels as check } from '../../src/core/kernels-check.js';
import { FirmwareApp } from './app.js';
import { Consent } from './consent.js';
import type { AppStats } from './app.js';
import { appOptionsFromBoard } from './board-options.js';
import type { BoardInput } from './board-options.js';
import type { Ports } from './hardware.js';

declare var ports: Ports;
declare var QUIETCAM_BOARD: BoardInput;

var app: FirmwareApp | null = null;

function running(): FirmwareApp {
  if (!app) throw new Error('quietcam: start() was not called');
  return app;
}

export function start(): void {
  app = new FirmwareApp(ports, appOptionsFromBoard(QUIETCAM_BOARD));
}

export function configTopic(): string {
  return running().configTopic();
}

export function ackTopic(): string {
  return running().ackTopic();
}

export function commandTopic(): string {
  return running().commandTopic();
}

export function reconnected(): void {
  running().reconnected();
}

export function receive(topic: string, payload: Uint8Array): void {
  running().receive(topic, payload);
}

export function step(): number {
  return running().step();
}

export function stats(): AppStats {
  return running().stats();
}

export function checkKernels(cases: number, seed: number): string | null {
  return ports.kernels ? check(ports.kernels, cases, seed) : 'this platform has no native kernels';
}

export function consentCheck(config: Uint8Array, purpose: number, wallMs: number, synced: boolean): string {
  const c = new Consent();
  c.update(config);
  return c.reasonFor(purpose, wallMs, synced);
}

export function benchMac(bytes: Uint8Array, out: Uint8Array): void {
  running().benchMac(bytes, out);
}
