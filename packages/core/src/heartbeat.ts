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

/** Runs one HeartbeatPolicy for one session. Inbound traffic sets a flag (and reads the clock only for a silence deadline); no timer is reset. */
export class Heartbeat<Out, In> {
  /** When something was last heard; kept only for a silence deadline (a clock read per message costs ~85 ns). */
  private lastHeard = Date.now();
  /** Something was heard since the outstanding probe was sent. */
  private heardSinceProbe = false;
  private readonly tracksSilence: boolean;
  private probeSentAt = 0;
  private probeTimer: ReturnType<typeof setInterval> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineAt = 0;
  private stopped = false;
  /** Whether `isPing`/`isPong` must see inbound frames at all. */
  readonly inspectsFrames: boolean;

  constructor(
    private readonly policy: HeartbeatPolicy<Out, In>,
    private readonly hooks: HeartbeatHooks<Out>,
  ) {
    this.inspectsFrames = Boolean(policy.isPong || policy.isPing);
    this.tracksSilence = policy.silenceTimeoutMs !== undefined;
    if (policy.intervalMs > 0 && (policy.ping || policy.transportPing)) {
      this.probeTimer = setInterval<[Heartbeat<Out, In>]>(Heartbeat.probeDue, timerDelay(policy.intervalMs), this);
    }
    this.armDeadline();
  }

  /** Call on every inbound message (and transport pong). */
  heard(): void {
    this.heardSinceProbe = true;
    if (this.tracksSilence) this.lastHeard = Date.now();
  }

  /** Handles heartbeat frames; returns true when the frame was one and is consumed. */
  consume(frame: In): boolean {
    const { isPong, isPing } = this.policy;
    if (isPong && isPong(frame)) {
      this.answered();
      return true;
    }
    if (isPing && isPing(frame)) {
      const reply = this.policy.pong?.(frame);
      if (reply !== undefined) this.hooks.sendFrame(reply);
      return true;
    }
    return false;
  }

  /** A transport-level pong arrived. */
  transportPong(): void {
    this.heard();
    this.answered();
  }

  /**
   * Checks the deadlines against the clock now, for when timers cannot be trusted (a send, a tab
   * waking up). Returns false, after reporting the link dead, if a deadline has passed.
   */
  check(): boolean {
    if (this.stopped) return false;
    const expired = this.expiredReason(Date.now());
    if (expired) {
      this.die(expired);
      return false;
    }
    return true;
  }

  /** Sends a probe now if one can be answered and none is outstanding (a liveness check). */
  probe(): void {
    if (this.stopped) return;
    const now = Date.now();
    const expired = this.expiredReason(now);
    if (expired) return this.die(expired);
    // One probe at a time: a flood of wake-ups must not become a flood of pings (with `ws`, a burst of them drops the link).
    if (this.probeSentAt !== 0) return;
    const { ping, isPong, transportPing } = this.policy;
    let expectsAnswer = false;
    if (ping) {
      this.hooks.sendFrame(ping());
      if (isPong) expectsAnswer = true;
    }
    if (transportPing && this.hooks.transportPing()) expectsAnswer = true;
    if (expectsAnswer && this.probeSentAt === 0 && this.policy.probeTimeoutMs !== undefined) {
      this.probeSentAt = now;
      this.heardSinceProbe = false;
      this.armDeadline();
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.probeTimer !== undefined) clearInterval(this.probeTimer);
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.probeTimer = undefined;
    this.deadlineTimer = undefined;
  }

  private answered(): void {
    if (this.probeSentAt !== 0) {
      this.hooks.onRtt(Date.now() - this.probeSentAt);
      this.probeSentAt = 0;
    }
  }

  /** The earliest moment a deadline can pass, given what is known now. */
  private nextDeadline(): number {
    let at = Infinity;
    const { silenceTimeoutMs, probeTimeoutMs } = this.policy;
    if (silenceTimeoutMs !== undefined) at = this.lastHeard + silenceTimeoutMs;
    if (this.probeSentAt !== 0 && probeTimeoutMs !== undefined) at = Math.min(at, this.probeSentAt + probeTimeoutMs);
    return at;
  }

  private expiredReason(now: number): string | undefined {
    const { silenceTimeoutMs, probeTimeoutMs } = this.policy;
    if (silenceTimeoutMs !== undefined && now - this.lastHeard >= silenceTimeoutMs) {
      return `nothing heard for ${now - this.lastHeard} ms`;
    }
    if (this.probeSentAt !== 0 && probeTimeoutMs !== undefined) {
      if (this.heardSinceProbe) {
        // Anything heard after the probe proves the link, even if the pong itself is still to come.
        this.probeSentAt = 0;
      } else if (now - this.probeSentAt >= probeTimeoutMs) {
        return `no answer to a ping within ${probeTimeoutMs} ms`;
      }
    }
    return undefined;
  }

  private armDeadline(): void {
    if (this.stopped) return;
    const at = this.nextDeadline();
    if (at === Infinity) return;
    if (this.deadlineTimer !== undefined && this.deadlineAt <= at) return;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineAt = at;
    this.deadlineTimer = setTimeout<[Heartbeat<Out, In>, number]>(
      Heartbeat.deadlineDue,
      timerDelay(at - Date.now()),
      this,
      at,
    );
  }

  // Timer callbacks get the heartbeat as an argument: one shared function rather than a closure per session.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any session's heartbeat; nothing typed leaves here
  private static probeDue(heartbeat: Heartbeat<any, any>): void {
    heartbeat.probe();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  private static deadlineDue(heartbeat: Heartbeat<any, any>, scheduledAt: number): void {
    heartbeat.onDeadline(scheduledAt);
  }

  private onDeadline(scheduledAt: number): void {
    this.deadlineTimer = undefined;
    if (this.stopped) return;
    const now = Date.now();
    const expired = this.expiredReason(now);
    if (expired && now - scheduledAt > LATE_TIMER_MS) {
      // Woken late (throttled tab, suspended laptop): let already-received data be read first.
      this.deadlineAt = now + LATE_TIMER_MS;
      this.deadlineTimer = setTimeout<[Heartbeat<Out, In>, number]>(
        Heartbeat.deadlineDue,
        LATE_TIMER_MS,
        this,
        now + LATE_TIMER_MS,
      );
      return;
    }
    if (expired) return this.die(expired);
    this.armDeadline();
  }

  private die(reason: string): void {
    this.stop();
    this.hooks.onDead(reason);
  }
}
