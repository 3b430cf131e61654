import type { MockServer } from '@polysocket/mock-server';

/**
 * A seeded chaos schedule: a fault every 50–500 ms, drawn from one PRNG stream, so the same seed gives
 * the same sequence of faults, gaps and parameters on every run (only the wall-clock interleaving with
 * the traffic varies).
 */

export const CHAOS_SEED = Number(process.env.CHAOS_SEED ?? 20261123);
/** `npm run test:reliability` sets it; `npm test` (CI) runs the same properties with small counts. */
export const FULL = process.env.RELIABILITY_FULL === '1';

export const FAULT_KINDS = ['drop', 'silence', 'delay', 'refuse', 'restart'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** mulberry32: a tiny, well-distributed 32-bit PRNG; returns numbers in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the schedule can do to a server (or to one client's link on it). */
export interface FaultTarget {
  /** Abrupt drop: TCP gone, no close frame. */
  drop(): void;
  /** Half-open: nothing read or written any more, TCP still up. */
  silence(): void;
  /** Delays outbound frames by `ms` from now on; 0 ends the delay. */
  delay(ms: number): void;
  /** Refuses new connections for `ms`. */
  refuse(ms: number): void;
  /** Drops everything and comes back after `downMs`, state kept. */
  restart(downMs: number): Promise<void>;
}

/** The mock server's own fault API; `target` limits drops and silences to one path or module. */
export function serverTarget(server: MockServer, target?: string): FaultTarget {
  return {
    drop: () => void server.faults.drop(target),
    silence: () => void server.faults.silence(target),
    delay: (ms) => server.faults.delay(ms),
    refuse: (ms) => server.faults.refuse(ms),
    restart: (downMs) => server.faults.restart(downMs),
  };
}

export interface Fault {
  n: number;
  kind: FaultKind;
  /** delay: the added latency; refuse: how long; restart: the down time; otherwise 0. */
  ms: number;
  /** delay: how long it stays on. */
  holdMs: number;
}

export interface ChaosOptions {
  seed?: number;
  minGapMs?: number;
  maxGapMs?: number;
  /** Awaited after each fault, before the next gap (e.g. "reconnected, and the rooms are right"). */
  afterFault?: (fault: Fault) => Promise<void>;
}

export class ChaosSchedule {
  readonly counts: Record<FaultKind, number> = { drop: 0, silence: 0, delay: 0, refuse: 0, restart: 0 };
  readonly faults: Fault[] = [];
  private readonly random: () => number;
  private bag: FaultKind[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private gapTimer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | undefined;
  private delayTimer: ReturnType<typeof setTimeout> | undefined;
  private startedAt = 0;
  private stoppedAt = 0;
  private failure: unknown;

  constructor(
    private readonly target: FaultTarget,
    private readonly options: ChaosOptions = {},
  ) {
    this.random = prng(options.seed ?? CHAOS_SEED);
  }

  get total(): number {
    return this.faults.length;
  }

  /** Whether every kind has been injected at least once. */
  get coveredAllKinds(): boolean {
    return FAULT_KINDS.every((kind) => this.counts[kind] > 0);
  }

  /** Set when an injection or `afterFault` threw; the schedule then stops by itself. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = Date.now();
    this.loop = this.run();
    this.loop.catch((error: unknown) => {
      this.failure = error;
      this.running = false;
    });
  }

  /**
   * Stops injecting, waits for a fault in progress (a restart), and clears delay and refusal. Throws
   * (once) what made the schedule fail, if anything did.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.gapTimer !== undefined) clearTimeout(this.gapTimer);
    this.wake?.();
    const loop = this.loop;
    this.loop = undefined;
    try {
      await loop;
    } finally {
      if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
      this.delayTimer = undefined;
      this.target.delay(0);
      this.target.refuse(0);
      this.stoppedAt ||= Date.now();
    }
  }

  /** e.g. `41 faults in 14.2 s (seed 20261123): drop 9, silence 8, delay 8, refuse 8, restart 8` */
  summary(): string {
    const seconds = ((this.stoppedAt || Date.now()) - this.startedAt) / 1000;
    const byKind = FAULT_KINDS.map((kind) => `${kind} ${this.counts[kind]}`).join(', ');
    return `${this.total} faults in ${seconds.toFixed(1)} s (seed ${this.options.seed ?? CHAOS_SEED}): ${byKind}`;
  }

  private async run(): Promise<void> {
    while (this.running) {
      // Every draw happens in a fixed order per fault, so the sequence depends on the seed alone.
      const gap = this.between(this.options.minGapMs ?? 50, this.options.maxGapMs ?? 500);
      const fault = this.draw();
      await this.sleep(gap);
      if (!this.running) return;
      await this.inject(fault);
      if (this.running && this.options.afterFault) await this.options.afterFault(fault);
    }
  }

  /** Kinds come from a shuffled bag of all five, so every kind appears within any five faults in a row. */
  private draw(): Fault {
    if (this.bag.length === 0) {
      this.bag = [...FAULT_KINDS];
      for (let i = this.bag.length - 1; i > 0; i--) {
        const j = Math.floor(this.random() * (i + 1));
        [this.bag[i], this.bag[j]] = [this.bag[j], this.bag[i]];
      }
    }
    const kind = this.bag.pop()!;
    const ms =
      kind === 'delay'
        ? this.between(20, 250)
        : kind === 'refuse'
          ? this.between(200, 1500)
          : kind === 'restart'
            ? this.between(50, 500)
            : 0;
    const holdMs = this.between(100, 800);
    return { n: this.faults.length + 1, kind, ms, holdMs: kind === 'delay' ? holdMs : 0 };
  }

  private async inject(fault: Fault): Promise<void> {
    this.faults.push(fault);
    this.counts[fault.kind]++;
    switch (fault.kind) {
      case 'drop':
        return this.target.drop();
      case 'silence':
        return this.target.silence();
      case 'delay':
        // Set a delay, then clear it after a while (other faults may land in between).
        if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
        this.target.delay(fault.ms);
        this.delayTimer = setTimeout(() => {
          this.delayTimer = undefined;
          this.target.delay(0);
        }, fault.holdMs);
        return;
      case 'refuse':
        // Refused *reconnects*: refuse, then drop, so the client has to come back through the refusal.
        this.target.refuse(fault.ms);
        return this.target.drop();
      case 'restart':
        return this.target.restart(fault.ms);
    }
  }

  private between(min: number, max: number): number {
    return Math.round(min + this.random() * (max - min));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = resolve;
      this.gapTimer = setTimeout(() => {
        this.gapTimer = undefined;
        resolve();
      }, ms);
    });
  }
}
