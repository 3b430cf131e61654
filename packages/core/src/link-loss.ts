import { attemptEnded, connectTimeout, startAttempt } from './attempt';
import { gaveUp, lossError, openingFailure } from './attempt-errors';
import { backoffDelay } from './backoff';
import { expireWaiters, settleWaiters } from './connect-waiters';
import type { AnyConnection } from './connection';
import { PolySocketError } from './errors';
import { emitError, notify, scrub, setState } from './lifecycle-notices';
import { putBack, takeAll } from './outbox';
import { holdOff, listen } from './page-lifecycle';
import type { CloseAction, CloseDecision } from './protocol';
import { onDrop, rejectAll } from './requests';
import { timerDelay } from './timing';
import { CLOSE_CLIENT_DROP, CLOSE_NORMAL, type CloseInfo } from './transport';

/**
 * Loss, failure and reconnect decisions: what happens when a link is gone (dropped, refused, timed out,
 * abandoned) or the client ends (`close()`, `fail()`, a fatal error), and the client's one timer: armed for the
 * earliest of the link's deadline — the connect timeout while `connecting`, the retry while `reconnecting` (the
 * two never overlap) — and the deadline of the waiting `connect()` calls.
 */

/** The client leaves its link, if it has one (connected or connecting), and reconnects or stops as `action` says. */
export function drop(
  c: AnyConnection,
  reason: string,
  clean: boolean,
  action: CloseAction,
  error?: PolySocketError,
): void {
  if (c.state === 'connected' || c.state === 'connecting')
    lose(c, { code: CLOSE_CLIENT_DROP, reason, wasClean: clean }, { action, error });
}

/**
 * The link is gone: settle what depended on it, then reconnect or stop. Without a decision, the attempt
 * failed while opening and the transport's own error says why.
 */
export function lose(c: AnyConnection, info: CloseInfo, decision?: CloseDecision): void {
  const link = c.activeLink;
  const wasConnected = c.state === 'connected';
  const cause = link?.transportError;
  decision ??= openingFailure(info, cause);
  releaseLink(c, CLOSE_CLIENT_DROP, info.reason.slice(0, 120), !info.wasClean);
  const box = c.outboxStore;
  const unanswered = box && onDrop(box);
  if (unanswered?.length) putBack(box!, unanswered);
  // A session that stayed up long enough was stable: the next retry counts from the first again.
  if (wasConnected && Date.now() - c.readyAt >= (c.tuning.minUptimeMs ?? 5000)) c.failedAttempts = 0;
  // A failed attempt is always reported with its cause; a dropped session is told by `disconnected`.
  const reported = decision.error ?? (link?.opened ? lossError(info, cause) : undefined);
  const error = reported && scrub(c, reported);
  if (error) c.lastLoss = error;

  const attempt = ++c.failedAttempts;
  const max = c.tuning.maxAttempts ?? Infinity;
  const stop = decision.action === 'stop' || c.tuning.reconnect === false;
  if (stop || attempt > max) {
    const last = error ?? lossError(info, cause);
    return end(c, 'failed', stop ? last : gaveUp(max, last), info);
  }
  if (decision.action === 'reauth') c.reauthNext = true;
  const delayMs = backoffDelay(attempt - 1, c.tuning.backoff, c.tuning.random);
  const mine = setState(c, 'reconnecting');
  if (wasConnected) tellDisconnected(c, info, error, true);
  const announce = error && (decision.error || !wasConnected);
  // The retry is armed as it is announced (so the delay counts from what the app is told), and only if no
  // listener moved the client on meanwhile: a `close()` in any listener before leaves no timer behind.
  notify(c, () => {
    if (announce) emitError(c, error);
    if (c.transitions !== mine) return;
    arm(c, delayMs);
    c.emit('reconnecting', { attempt, delayMs, error });
  });
}

/**
 * The client ends, `closed` or `failed`: its link and browser listeners go, pending requests and `connect()`
 * calls reject, and what waited in the outbox fails once the state change has been told — a listener that
 * sends again then starts a fresh outbox.
 */
export function end(
  c: AnyConnection,
  next: 'closed' | 'failed',
  error: PolySocketError,
  // What a session's `disconnected` says: the lost link's close, else a clean close by the client (`close()`, `fail()`).
  info: CloseInfo = { code: CLOSE_NORMAL, reason: error.message, wasClean: true },
): void {
  const wasConnected = c.state === 'connected';
  const failed = next === 'failed';
  releaseLink(c, CLOSE_NORMAL, `client ${next}`);
  const safe = scrub(c, error);
  c.failure = failed ? safe : undefined;
  if (c.pageState) listen(c.pageState, 'removeEventListener');
  c.pageState = undefined;
  const box = c.outboxStore;
  if (box) rejectAll(box, safe);
  settleWaiters(c, safe);
  const dropped = box ? takeAll(box) : [];
  setState(c, next);
  if (wasConnected) tellDisconnected(c, info, failed ? safe : undefined, false);
  notify(c, () => {
    for (const entry of dropped) entry.failed(safe);
    if (failed) emitError(c, safe);
  });
}

/** The one `disconnected` of a session that ended; `willReconnect` as things stand when it is told. */
function tellDisconnected(
  c: AnyConnection,
  info: CloseInfo,
  error: PolySocketError | undefined,
  mayReconnect: boolean,
): void {
  notify(c, () =>
    c.emit('disconnected', {
      ...info,
      reason: c.logger.redact(info.reason),
      // `connecting` or `reconnecting`: a listener may have closed the client meanwhile.
      willReconnect: mayReconnect && c.state.endsWith('connecting'),
      error,
    }),
  );
}

/** Stops everything tied to the current link and closes (or, for a broken link, cuts) its transport. */
export function releaseLink(c: AnyConnection, code: number, reason: string, broken?: boolean): void {
  const link = c.activeLink;
  c.activeLink = undefined;
  clearTimer(c);
  if (!link) return;
  link.halted = true;
  link.clear();
  link.aborter?.abort();
  link.inbox = undefined;
  link.waiter?.reject(attemptEnded());
  // A link lost uncleanly (dead, timed out, broken) gets no closing handshake: its peer may never answer it.
  // A transport that closed by itself takes the call as a no-op (`Transport.close` is idempotent).
  const transport = link.transport;
  if (broken && transport?.terminate) transport.terminate(code, reason);
  else transport?.close(code, reason);
}

/** Sets the link's deadline (the connect timeout while `connecting`, the retry while `reconnecting`) `ms` from now. */
export function arm(c: AnyConnection, ms: number): void {
  c.linkAt = Date.now() + ms;
  schedule(c);
}

export function clearTimer(c: AnyConnection): void {
  c.linkAt = Infinity;
  schedule(c);
}

/** Arms the client's one timer for the earliest deadline: the link's, or a waiting `connect()` call's. */
export function schedule(c: AnyConnection): void {
  let at = c.linkAt;
  for (const waiter of c.waiters ?? []) at = Math.min(at, waiter.deadline);
  clearTimeout(c.linkTimer);
  c.linkTimer = at < Infinity ? setTimeout(timerDue, timerDelay(at - Date.now()), c) : undefined;
}

// The timer's callback gets the connection as an argument: one shared function, no closure per attempt.
function timerDue(c: AnyConnection): void {
  const now = Date.now();
  expireWaiters(c, now);
  if (c.linkAt > now) return schedule(c);
  clearTimer(c);
  if (c.state === 'reconnecting') {
    // The page may hold the attempt back: while it is away its return starts the next attempt.
    const wait = holdOff(c);
    if (wait <= 0) startAttempt(c);
    else if (wait < Infinity) arm(c, wait);
    return;
  }
  const cause = c.activeLink?.transportError;
  drop(
    c,
    'connect timeout',
    false,
    'reconnect',
    new PolySocketError(
      'TIMEOUT',
      `not connected within ${connectTimeout(c)} ms${cause ? ` (${cause.message})` : ''}`,
      {
        cause,
      },
    ),
  );
}
