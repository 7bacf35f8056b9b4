/**
 * Only the owner's configs count. A retained config is taken only when it carries the MAC of this
 * camera's secret (src/protocol/consent-config.ts openConfig) and a counter (its consentVersion)
 * no lower than the highest one accepted so far, which is kept in the settings (key "cfgctr",
 * decimal) so a reboot does not forget it. Anything else leaves the consent as it was and is
 * reported by the app on its event topic:
 * - 'empty', 'too-large', 'bad-mac': not signed by the owner (forged, for another camera, or a
 *   deleted retained message): ignored;
 * - 'replayed': signed, but older than what the board already has: ignored;
 * - 'malformed': signed but unreadable: consent is turned off (every doubt reads as off).
 * The same counter again is accepted: it is the retained config, redelivered on every reconnect.
 * ES5-safe.
 */
import { openConfig } from '../../src/protocol/consent-config.js';
import type { HmacSha256 } from '../../src/protocol/sha256.js';
import type { Consent } from './consent.js';
import type { SettingsPort } from './hardware.js';

/** Settings key of the highest config counter accepted. */
export const CONFIG_COUNTER_KEY = 'cfgctr';

export class ConfigGuard {
  /** The refused config's counter when known (-1 otherwise), for the report. */
  lastCounter: number;
  private readonly settings: SettingsPort;
  private readonly cameraId: string;
  private readonly key: HmacSha256;

  constructor(settings: SettingsPort, cameraId: string, key: HmacSha256) {
    this.settings = settings;
    this.cameraId = cameraId;
    this.key = key;
    this.lastCounter = -1;
  }

  /** The highest counter accepted so far (-1 = none yet). */
  highest(): number {
    const v = this.settings.get(CONFIG_COUNTER_KEY);
    if (typeof v !== 'string' || !/^[0-9]{1,10}$/.test(v)) return -1;
    return parseInt(v, 10);
  }

  /**
   * Check a config payload and, when it is the owner's and not older, apply it to `consent`.
   * Returns '' when applied, else the reason (see the file's header).
   */
  receive(payload: Uint8Array, consent: Consent): string {
    this.lastCounter = -1;
    const r = openConfig(payload, this.cameraId, this.key);
    if (!r.ok) {
      if (r.code !== 'malformed') return r.code;
      consent.refuse(r.problem);
      return 'malformed';
    }
    const counter = r.terms.version;
    const highest = this.highest();
    this.lastCounter = counter;
    if (counter < highest) return 'replayed';
    if (counter > highest) this.settings.set(CONFIG_COUNTER_KEY, String(counter));
    consent.apply(r.terms);
    return '';
  }
}
