import type { AnyConnection } from './connection';
import type { ConnectionState } from './connection-types';
import { PolySocketError } from './errors';

/**
 * Telling the adapter and the app. Every lifecycle change first settles the client's own state and only then
 * tells listeners, through `notify`: notifications run to completion, in order, and one a listener causes is
 * told after the one under way has reached every listener, so every listener sees the same chain of states.
 */

/**
 * Moves to `next` now and tells the adapter (`onState`), then the app. Returns the change's number, for a
 * notification that must not be told once a later change made it untrue.
 */
export function setState(c: AnyConnection, next: ConnectionState): number {
  const previous = c.state;
  if (previous === next) return c.transitions;
  (c as { state: ConnectionState }).state = next;
  const mine = ++c.transitions;
  notify(c, () => {
    try {
      c.protocol.onState?.(next, previous);
    } catch (error) {
      c.reportListenerError(error);
    }
    c.emit('state', next, previous);
  });
  return mine;
}

/** Tells listeners now, or — while another notification is being told — right after it and those before. */
export function notify(c: AnyConnection, notice: () => void): void {
  if (c.notices) return void c.notices.push(notice);
  const run = (c.notices = [notice]);
  try {
    for (let next = run.shift(); next; next = run.shift()) {
      try {
        next();
      } catch (error) {
        c.reportListenerError(error);
      }
    }
  } finally {
    c.notices = undefined;
  }
}

/** Reports `error` through the logger and the `error` event, without registered secrets. */
export function emitError(c: AnyConnection, error: PolySocketError): void {
  const safe = scrub(c, error);
  c.logger.warn(`${safe.code}: ${safe.message}`);
  c.emit('error', safe);
}

/**
 * A copy of `error` without registered secrets in its message or anywhere down its `cause` chain (a server may
 * echo a token back; a URL with a token in it ends up in the message of the transport's or `fetch`'s error).
 */
export function scrub(c: AnyConnection, error: PolySocketError): PolySocketError {
  const redact = (text: string): string => c.logger.redact(text);
  const message = redact(error.message);
  const cause = scrubCause(c, error.cause, 0);
  if (message === error.message && cause === error.cause) return error;
  const backendCode = error.backendCode;
  return new PolySocketError(error.code, message, {
    retryable: error.retryable,
    backendCode: typeof backendCode === 'string' ? redact(backendCode) : backendCode,
    maybeDelivered: error.maybeDelivered,
    cause,
  });
}

/** A cause (an Error, a string), or a redacted copy of it where it names a secret: same name and own fields. */
function scrubCause(c: AnyConnection, cause: unknown, depth: number): unknown {
  if (typeof cause === 'string') return c.logger.redact(cause);
  if (!(cause instanceof Error) || depth > 8) return cause;
  if (cause instanceof PolySocketError) return scrub(c, cause);
  const own = cause as Error & { cause?: unknown };
  const message = c.logger.redact(own.message);
  const inner = scrubCause(c, own.cause, depth + 1);
  if (message === own.message && inner === own.cause) return cause;
  const copy = new Error(message) as Error & Record<string, unknown>;
  copy.name = own.name;
  for (const [key, value] of Object.entries(own))
    copy[key] = typeof value === 'string' ? c.logger.redact(value) : value;
  if (inner !== undefined) copy.cause = inner;
  return copy;
}
