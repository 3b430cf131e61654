import { PolySocketError, type ErrorCode } from './errors';
import type { CloseDecision } from './protocol';
import type { CloseInfo } from './transport';

/**
 * A transport's error while opening may carry the HTTP status the server answered the upgrade (or the
 * polling handshake) with, and Node's system error code (ECONNREFUSED, ENOTFOUND...).
 */
interface TransportErrorDetails {
  status?: unknown;
  code?: unknown;
}

/** The HTTP status a transport error reports, if any. */
export function httpStatusOf(error: Error | undefined): number | undefined {
  const status = (error as TransportErrorDetails | undefined)?.status;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : undefined;
}

/**
 * Why an attempt failed before its session was ready, when neither the protocol nor a timeout said so:
 * an HTTP answer to the upgrade, a network error, or a close. A 4xx other than 408/429 is a configuration
 * error (wrong URL, path, credentials or origin): retrying cannot help, so the client stops.
 */
export function openingFailure(info: CloseInfo, cause: Error | undefined): CloseDecision {
  // A URL the WebSocket constructor refuses (no scheme, `ftp:`, garbage) fails the same way every time.
  if (cause?.name === 'SyntaxError') {
    return {
      action: 'stop',
      error: new PolySocketError('INVALID', `the URL is not valid: ${cause.message}`, { retryable: false, cause }),
    };
  }
  const status = httpStatusOf(cause);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    const code: ErrorCode =
      status === 401 ? 'AUTH_FAILED' : status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : 'INVALID';
    const hint =
      status === 404
        ? 'check the URL and path'
        : status === 401 || status === 403
          ? 'check the credentials and the allowed origins'
          : 'check the URL and options';
    return {
      action: 'stop',
      error: new PolySocketError(code, `the server refused the connection with HTTP ${status}: ${hint}`, {
        retryable: false,
        backendCode: status,
        cause,
      }),
    };
  }
  const what =
    status !== undefined ? `HTTP ${status}` : cause ? cause.message : info.reason || `closed with ${info.code}`;
  const error = new PolySocketError(status === 429 ? 'RATE_LIMITED' : 'DISCONNECTED', `could not connect: ${what}`, {
    backendCode: status,
    cause,
  });
  return { action: 'reconnect', error };
}

/** A session that was up (or handshaking) and dropped: what the app is told in `disconnected` and `reconnecting`. */
export function lossError(info: CloseInfo, cause: Error | undefined): PolySocketError {
  const what = info.reason ? `${info.code} ${info.reason}` : `${info.code}`;
  return new PolySocketError('DISCONNECTED', `the connection closed (${what})`, { backendCode: info.code, cause });
}

/** How a failed handshake or restore is handled, from its error. */
export function decisionFor(error: PolySocketError): CloseDecision {
  if (error.code === 'AUTH_EXPIRED') return { action: 'reauth', error };
  if (!error.retryable) return { action: 'stop', error };
  return { action: 'reconnect', error };
}

/** An unexpected exception during an attempt is a retryable PROTOCOL error; typed errors keep their own class. */
export function attemptError(error: unknown, message: string): PolySocketError {
  if (error instanceof PolySocketError) return error;
  return new PolySocketError('PROTOCOL', `${message}: ${error instanceof Error ? error.message : String(error)}`, {
    retryable: true,
    cause: error,
  });
}

/** `maxAttempts` reached: the last attempt's error is the cause. */
export function gaveUp(max: number, last: PolySocketError): PolySocketError {
  return new PolySocketError(
    'DISCONNECTED',
    `gave up after ${max} reconnect attempt${max === 1 ? '' : 's'}; the last: ${last.message}`,
    {
      backendCode: last.backendCode,
      cause: last,
    },
  );
}
