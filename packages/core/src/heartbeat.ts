import { DeadlineTimer } from './deadline-timer';
import { timerDelay } from './timing';

/**
 * How a protocol proves the link is alive. The core runs it; the adapter only describes it.
 *
 * - client pings (Foony): `ping` + `isPong` + `probeTimeoutMs` — a ping every `intervalMs`, and the
 *   link is dead if nothing at all is heard within `probeTimeoutMs` of a ping.
 * - server pings (Engine.IO): `isPing` + `pong` + `silenceTimeoutMs` — answer the server's pings, and
 *   the link is dead after `silenceTimeoutMs` without any inbound frame.
 * - keep-alive only (Ignis): `ping` without `isPong` — nothing answers, so only `transportPing`
 *   (where the runtime can send WebSocket pings) detects a dead server.
 */
export interface HeartbeatPolicy<Out, In> {
  /** How often to send `ping()` and/or a transport ping; 0 or less sends nothing. */
  intervalMs: number;
  ping?: () => Out;
  /** Marks the server's answer to `ping()`; such frames are consumed and give a round-trip time. */
  isPong?: (frame: In) => boolean;
  /** Marks a server ping; such frames are consumed and answered with `pong(frame)`. */
  isPing?: (frame: In) => boolean;
  pong?: (frame: In) => Out | undefined;
  /** Also probe with transport-level pings where the transport can send them. */
  transportPing?: boolean;
  /** After a probe that expects an answer, the link is dead unless something is heard within this. */
  probeTimeoutMs?: number;
  /** The link is dead after this long without hearing anything. */
  silenceTimeoutMs?: number;
}

export interface HeartbeatHooks<Out> {
  sendFrame(frame: Out): void;
  /** Sends a transport ping; false where the transport cannot. */
  transportPing(): boolean;
  onDead(reason: string): void;
  onRtt(ms: number): void;
}

/** A timer that fires more than this late means the process or tab was asleep. */
const LATE_TIMER_MS = 1000;

/**
 * Runs one HeartbeatPolicy for one session. Inbound traffic sets a flag (and reads the clock only for a silence
 * deadline); no timer is reset. It is its own deadline timer, armed for the earliest deadline.
 */
export class Heartbeat<Out, In> extends DeadlineTimer {
  /** When something was last heard; kept only for a silence deadline (a clock read per message costs ~85 ns). */
  private lastHeard = Date.now();
  /** Something was heard since the outstanding probe was sent. */
  private heardSinceProbe = false;
  /** When the outstanding probe was sent; 0: none. */
  private probeSentAt = 0;
  /** When the next periodic probe is due (the deadline timer also serves the period); Infinity: none. */
  private probeAt = Infinity;
  private halted = false;
  /** Whether `isPing`/`isPong` must see inbound frames at all. */
  readonly inspectsFrames: boolean;

  constructor(
    private readonly beat: HeartbeatPolicy<Out, In>,
    private readonly told: HeartbeatHooks<Out>,
  ) {
    super(Heartbeat.deadlineDue);
    this.inspectsFrames = !!(beat.isPong || beat.isPing);
    if (beat.intervalMs > 0 && (beat.ping || beat.transportPing))
      this.probeAt = Date.now() + timerDelay(beat.intervalMs);
    this.armDeadline();
  }

  /** Call on every inbound message (and transport pong). */
  heard(): void {
    this.heardSinceProbe = true;
    if (this.beat.silenceTimeoutMs !== undefined) this.lastHeard = Date.now();
  }

  /** Handles heartbeat frames; returns true when the frame was one and is consumed. */
  consume(frame: In): boolean {
    const { isPong, isPing, pong } = this.beat;
    if (isPong?.(frame)) this.transportPong();
    else if (isPing?.(frame)) {
      const reply = pong?.(frame);
      if (reply !== undefined) this.told.sendFrame(reply);
    } else return false;
    return true;
  }

  /** A pong (the protocol's or a transport-level one) arrived: it gives the round-trip time. */
  transportPong(): void {
    this.heard();
    if (this.probeSentAt) this.told.onRtt(Date.now() - this.probeSentAt);
    this.probeSentAt = 0;
  }

  /**
   * Checks the deadlines against the clock now, for when timers cannot be trusted (a send, a tab
   * waking up). Returns false, after reporting the link dead, if a deadline has passed.
   */
  check(): boolean {
    const expired = !this.halted && this.expiredReason(Date.now());
    if (expired) {
      this.stop();
      this.told.onDead(expired);
    }
    return expired === undefined;
  }

  /** Sends a probe now if one can be answered and none is outstanding (a liveness check). */
  probe(): void {
    // One probe at a time: a flood of wake-ups must not become a flood of pings (with `ws`, a burst of them drops the link).
    if (!this.check() || this.probeSentAt) return;
    const { ping, isPong, transportPing, probeTimeoutMs } = this.beat;
    if (ping) this.told.sendFrame(ping());
    const pinged = transportPing && this.told.transportPing();
    if ((pinged || (ping && isPong)) && !this.probeSentAt && probeTimeoutMs !== undefined) {
      this.probeSentAt = Date.now();
      this.heardSinceProbe = false;
      this.armDeadline();
    }
  }

  stop(): void {
    this.halted = true;
    this.clear();
  }

  /** A passed deadline's reason (and a probe answered by any traffic is settled), else undefined. */
  private expiredReason(now: number): string | undefined {
    const { silenceTimeoutMs, probeTimeoutMs } = this.beat;
    if (now - this.lastHeard >= silenceTimeoutMs!) return `nothing heard for ${now - this.lastHeard} ms`;
    // Anything heard after the probe proves the link, even if the pong itself is still to come.
    const sent = this.heardSinceProbe ? (this.probeSentAt = 0) : this.probeSentAt;
    if (sent && now - sent >= probeTimeoutMs!) return `no answer to a ping within ${probeTimeoutMs} ms`;
  }

  /** Makes sure the deadline timer fires by the earliest moment a deadline can pass. */
  private armDeadline(): void {
    const { silenceTimeoutMs = Infinity, probeTimeoutMs = Infinity } = this.beat;
    if (!this.halted)
      this.include(
        Math.min(this.probeAt, this.lastHeard + silenceTimeoutMs, (this.probeSentAt || Infinity) + probeTimeoutMs),
      );
  }

  /** The deadline timer's callback (one shared function: `this` is the heartbeat), for the deadline `scheduledAt`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any session's heartbeat; nothing typed leaves here
  private static deadlineDue(this: Heartbeat<any, any>, scheduledAt: number): void {
    const now = Date.now();
    if (this.probeAt <= now) {
      // The probe period (it checks the deadlines first, as it did on a timer of its own).
      this.probeAt = now + timerDelay(this.beat.intervalMs);
      this.probe();
      this.armDeadline();
    }
    // Woken late (throttled tab, suspended laptop): let already-received data be read first.
    else if (now - scheduledAt > LATE_TIMER_MS && !this.halted && this.expiredReason(now))
      this.include(Math.min(now + LATE_TIMER_MS, this.probeAt));
    else if (this.check()) this.armDeadline();
  }
}
