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
 * A copy of `value` (an error, a cause, a string) without registered secrets in its message or anywhere down its
 * `cause` chain (a server may echo a token back; a URL with a token in it ends up in the message of the
 * transport's or `fetch`'s error), or `value` itself where there is nothing to redact. An Error keeps its class
 * (a PolySocketError its code and fields; another Error its name and own fields, their strings redacted). Other
 * objects go through JSON (copied only when they held a secret); causes more than 8 deep are left as they are.
 */
export function scrub<T>(c: AnyConnection, value: T, depth = 0): T {
  const redact = (text: string): string => c.logger.redact(text);
  if (typeof value === 'string') return redact(value) as T;
  if (!(value instanceof Error)) {
    // Data (a server's connect_error `data`): through JSON as the logger scrubs details, copied only if it held a secret.
    if (value === null || typeof value !== 'object') return value;
    try {
      const json = JSON.stringify(value);
      const clean = redact(json);
      return clean === json ? value : (JSON.parse(clean) as T);
    } catch {
      return value; // not JSON (a platform object, a cycle): not data a server sent
    }
  }
  if (depth > 8) return value;
  const own = value as Error & { cause?: unknown };
  const message = redact(own.message);
  const cause = scrub(c, own.cause, depth + 1);
  if (message === own.message && cause === own.cause) return value;
  // The same class where it is ours; its own fields (a PolySocketError's code, retryable, backendCode…) copied over.
  const copy = (
    value instanceof PolySocketError ? new PolySocketError(value.code, message) : new Error(message)
  ) as Error & Record<string, unknown>;
  copy.name = own.name;
  for (const [key, field] of Object.entries(own)) copy[key] = typeof field === 'string' ? redact(field) : field;
  if (cause !== undefined) copy.cause = cause;
  return copy as T;
}
