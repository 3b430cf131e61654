import { PolySocketError, type ErrorCode } from './errors';
import type { CloseDecision } from './protocol';
import type { CloseInfo } from './transport';

/**
 * Why an attempt failed before its link opened, when neither the protocol nor a timeout said so: an HTTP
 * answer to the upgrade (`status` on the transport's error), a network error (ECONNREFUSED…), or a close. A
 * 4xx other than 408/429 is a configuration error (wrong URL, path, credentials or origin): retrying cannot
 * help, so the client stops.
 */
export function openingFailure(info: CloseInfo, cause: (Error & { status?: unknown }) | undefined): CloseDecision {
  // A status only the transport sets, from the HTTP answer: a number or nothing.
  const status = typeof cause?.status === 'number' ? cause.status : 0;
  // A URL the WebSocket constructor refuses (no scheme, `ftp:`, garbage) fails the same way every time.
  const badUrl = cause?.name === 'SyntaxError';
  const stop = badUrl || (status > 399 && status < 500 && status !== 408 && status !== 429);
  // Retryable exactly when not stopping: each code's default (RATE_LIMITED, DISCONNECTED yes; the others no).
  const error = new PolySocketError(
    badUrl
      ? 'INVALID'
      : status === 429
        ? 'RATE_LIMITED'
        : !stop
          ? 'DISCONNECTED'
          : (({ 401: 'AUTH_FAILED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' } as Record<number, ErrorCode>)[status] ??
            'INVALID'),
    badUrl
      ? `invalid URL: ${cause!.message}`
      : stop
        ? `HTTP ${status} on connect: check the URL and credentials`
        : `could not connect: ${status ? `HTTP ${status}` : (cause?.message ?? (info.reason || `closed with ${info.code}`))}`,
    { backendCode: status || undefined, cause },
  );
  return { action: stop ? 'stop' : 'reconnect', error };
}

/** A session that was up (or handshaking) and dropped: what the app is told in `disconnected` and `reconnecting`. */
export function lossError(info: CloseInfo, cause: Error | undefined): PolySocketError {
  return new PolySocketError('DISCONNECTED', `connection closed (${info.code}${info.reason && ` ${info.reason}`})`, {
    backendCode: info.code,
    cause,
  });
}

/**
 * A failed handshake or restore: typed errors keep their own class; anything else is a retryable PROTOCOL
 * error. AUTH_EXPIRED reconnects with fresh credentials, a retryable error reconnects, any other stops.
 */
export function sessionFailure(thrown: unknown, stage: string): CloseDecision {
  const error =
    thrown instanceof PolySocketError
      ? thrown
      : new PolySocketError(
          'PROTOCOL',
          `${stage} failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
          {
            retryable: true,
            cause: thrown,
          },
        );
  return { action: error.code === 'AUTH_EXPIRED' ? 'reauth' : error.retryable ? 'reconnect' : 'stop', error };
}

/** `maxAttempts` reached: the last attempt's error is the cause. */
export function gaveUp(max: number, last: PolySocketError): PolySocketError {
  return new PolySocketError('DISCONNECTED', `gave up after ${max} reconnect attempts: ${last.message}`, {
    backendCode: last.backendCode,
    cause: last,
  });
}
