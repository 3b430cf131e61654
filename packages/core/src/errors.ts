/** The one error class every PolySocket API rejects or emits with. */
export type ErrorCode =
  | 'AUTH_FAILED'
  | 'AUTH_EXPIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'TIMEOUT'
  | 'DISCONNECTED'
  | 'CLOSED'
  | 'PROTOCOL'
  | 'OUTBOX_FULL'
  | 'RATE_LIMITED'
  | 'SERVER'
  | 'INVALID'
  | 'ABORTED'
  /** A message over the server's (or the configured) size limit; refused before anything was written. */
  | 'TOO_LARGE'
  /** An app listener threw; reported, never rethrown into the read loop. */
  | 'LISTENER';

/** Codes whose errors are worth retrying unless the caller says otherwise. */
const RETRYABLE_BY_DEFAULT = /^(AUTH_EXPIRED|TIMEOUT|DISCONNECTED|RATE_LIMITED|SERVER)$/;

export interface PolySocketErrorOptions {
  /** Overrides the default retryability of the code. */
  retryable?: boolean;
  /** The backend's own error or close code (e.g. 40102, 4003). */
  backendCode?: number | string;
  cause?: unknown;
  /**
   * For DISCONNECTED errors of requests: true when the request had been written to the
   * transport before the drop, so the server may have acted on it.
   */
  maybeDelivered?: boolean;
}

export class PolySocketError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly backendCode?: number | string;
  readonly maybeDelivered: boolean;
  readonly cause?: unknown;

  constructor(code: ErrorCode, message: string, options: PolySocketErrorOptions = {}) {
    super(message);
    this.name = 'PolySocketError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.test(code);
    this.backendCode = options.backendCode;
    this.maybeDelivered = !!options.maybeDelivered;
    this.cause = options.cause;
  }
}

export function isPolySocketError(value: unknown, code?: ErrorCode): value is PolySocketError {
  return value instanceof PolySocketError && (code === undefined || value.code === code);
}

/** `error` for a request that had been written: the server may have acted on it (`maybeDelivered: true`). */
export function asMaybeDelivered(error: PolySocketError): PolySocketError {
  return error.maybeDelivered
    ? error
    : new PolySocketError(error.code, `${error.message}; it may have been delivered`, {
        ...error,
        maybeDelivered: true,
      });
}

/** Wraps anything thrown into a PolySocketError of the given code, keeping the original as `cause`. */
export function toPolySocketError(value: unknown, code: ErrorCode, message?: string): PolySocketError {
  return value instanceof PolySocketError
    ? value
    : new PolySocketError(code, message ?? (value instanceof Error ? value.message : String(value)), { cause: value });
}

/**
 * The INVALID error of an option given without its optional module (`subject` needs `{ option: module }`): it
 * names the import, and for a script tag the bundle that has it as `PolySocket.<module>` (`polysocket.global.js`
 * carries no modules; `polysocket.full.global.js` and each adapter's bundle do).
 */
export function missingModule(option: string, module: string, pkg: string, subject = option): PolySocketError {
  return new PolySocketError(
    'INVALID',
    `${subject} needs { ${option}: ${module} } from '@polysocket/${pkg}' or polysocket.full.global.js`,
  );
}
