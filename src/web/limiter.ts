/**
 * Failed sign-in attempts, counted per key (username, client address) in a fixed window. In
 * memory: a restart forgets the counts (state it in README.md); bounded to `maxKeys` keys.
 */
export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Keys tracked at once; the oldest window is dropped first. */
  maxKeys?: number;
}

export class AttemptLimiter {
  private readonly windows = new Map<string, { startMs: number; failures: number }>();

  constructor(private readonly o: LimiterOptions) {}

  /** ms until `key` may try again, 0 when it may try now. */
  blockedFor(key: string, nowMs: number): number {
    const w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.o.windowMs) return 0;
    return w.failures >= this.o.maxFailures ? w.startMs + this.o.windowMs - nowMs : 0;
  }

  fail(key: string, nowMs: number): void {
    let w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.o.windowMs) {
      w = { startMs: nowMs, failures: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
      const max = this.o.maxKeys ?? 100000;
      if (this.windows.size > max) this.windows.delete(this.windows.keys().next().value as string);
    }
    w.failures++;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}
