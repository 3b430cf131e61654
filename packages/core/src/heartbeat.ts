import type { Attempt } from './attempt';
import { PolySocketError } from './errors';
import { drop } from './link-loss';
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

/**
 * The session's heartbeat, run on its link: the Attempt holds the state and is the deadline timer (armed for the
 * earliest deadline, the probe period included). Inbound traffic sets a flag (and reads the clock only for a
 * silence deadline); no timer is reset.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any session's link; nothing typed leaves here
type Link = Attempt<any, any>;

/** A timer that fires more than this late means the process or tab was asleep. */
const LATE_TIMER_MS = 1000;

/** Starts running `beat` on the session's link. */
export function startHeartbeat(link: Link, beat: HeartbeatPolicy<unknown, unknown>): void {
  link.beat = beat;
  link.lastHeard = Date.now();
  if (beat.intervalMs > 0 && (beat.ping || beat.transportPing))
    link.probeAt = link.lastHeard + timerDelay(beat.intervalMs);
  armDeadline(link);
}

/** Call on every inbound message (and transport pong). */
export function heard(link: Link): void {
  link.heardSinceProbe = true;
  if (link.beat?.silenceTimeoutMs !== undefined) link.lastHeard = Date.now();
}

/** Handles heartbeat frames; true when the frame was one and is consumed. */
export function consume(link: Link, frame: unknown): boolean {
  const { isPong, isPing, pong } = link.beat!;
  if (isPong?.(frame)) answered(link);
  else if (isPing?.(frame)) {
    const reply = pong?.(frame);
    if (reply !== undefined) sendQuietly(link, reply);
  } else return false;
  return true;
}

/** A pong (the protocol's or a transport-level one) arrived: it gives the round-trip time. */
export function answered(link: Link): void {
  heard(link);
  const sent = link.probeSentAt;
  link.probeSentAt = 0;
  if (sent) {
    const c = link.owner;
    c.emit('rtt', ((c as { rtt: number }).rtt = Date.now() - sent));
  }
}

/**
 * Checks the deadlines against the clock now, for when timers cannot be trusted (a send, a tab waking up).
 * False, after dropping the link as dead, if a deadline has passed.
 */
export function alive(link: Link): boolean {
  const expired = !link.halted && expiredReason(link, Date.now());
  if (expired) {
    const message = `dead link: ${expired}`;
    drop(link.owner, message, false, 'reconnect', new PolySocketError('DISCONNECTED', message));
  }
  return !expired;
}

/** Sends a probe now if one can be answered and none is outstanding (a liveness check). */
export function probe(link: Link): void {
  // One probe at a time: a flood of wake-ups must not become a flood of pings (with `ws`, a burst of them drops the link).
  if (!alive(link) || link.probeSentAt) return;
  const { ping, isPong, transportPing, probeTimeoutMs } = link.beat!;
  if (ping) sendQuietly(link, ping());
  const pinged = transportPing && link.transport.ping?.();
  if ((pinged || (ping && isPong)) && !link.probeSentAt && probeTimeoutMs !== undefined) {
    link.probeSentAt = Date.now();
    link.heardSinceProbe = false;
    armDeadline(link);
  }
}

function sendQuietly(link: Link, frame: unknown): void {
  try {
    link.writeFrame(frame);
  } catch {
    // The link is going down; its close event will follow.
  }
}

/** A passed deadline's reason (and a probe answered by any traffic is settled), else undefined. */
function expiredReason(link: Link, now: number): string | undefined {
  const { silenceTimeoutMs, probeTimeoutMs } = link.beat!;
  if (now - link.lastHeard >= silenceTimeoutMs!) return `nothing heard for ${now - link.lastHeard} ms`;
  // Anything heard after the probe proves the link, even if the pong itself is still to come.
  const sent = link.heardSinceProbe ? (link.probeSentAt = 0) : link.probeSentAt;
  if (sent && now - sent >= probeTimeoutMs!) return `no answer to a ping within ${probeTimeoutMs} ms`;
}

/** Makes sure the deadline timer fires by the earliest moment a deadline can pass. */
function armDeadline(link: Link): void {
  const { silenceTimeoutMs = Infinity, probeTimeoutMs = Infinity } = link.beat!;
  if (!link.halted)
    link.include(
      Math.min(link.probeAt, link.lastHeard + silenceTimeoutMs, (link.probeSentAt || Infinity) + probeTimeoutMs),
    );
}

/** The link's deadline timer's callback (one shared function: `this` is the link), for the deadline `scheduledAt`. */
export function heartbeatDue(this: Link, scheduledAt: number): void {
  const now = Date.now();
  if (this.probeAt <= now) {
    // The probe period (it checks the deadlines first, as it did on a timer of its own).
    this.probeAt = now + timerDelay(this.beat!.intervalMs);
    probe(this);
    armDeadline(this);
  }
  // Woken late (throttled tab, suspended laptop): let already-received data be read first.
  else if (now - scheduledAt > LATE_TIMER_MS && !this.halted && expiredReason(this, now))
    this.include(Math.min(now + LATE_TIMER_MS, this.probeAt));
  else if (alive(this)) armDeadline(this);
}
