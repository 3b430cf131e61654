import { PolySocketError, type ErrorCode as CoreErrorCode, missingModule } from '@polysocket/core';
import type { ErrorFrame } from './wire';

/** Maps a Foony error code to the core's codes: 403xx → FORBIDDEN, 401xx → AUTH_FAILED, 5xxxx → SERVER, and so on. */
export function coreCodeOf(code: number): CoreErrorCode {
  return code === 40102
    ? 'AUTH_EXPIRED'
    : code === 40400
      ? 'NOT_FOUND'
      : code === 42900
        ? 'RATE_LIMITED'
        : code >= 50000
          ? 'SERVER'
          : // By the hundred: 401xx, 403xx (a code that is no integer falls in its hundred too).
            (({ 401: 'AUTH_FAILED', 403: 'FORBIDDEN' } as Record<number, CoreErrorCode>)[Math.floor(code / 100)] ??
            'PROTOCOL');
}

/** The typed error an `err` frame stands for, carrying the server's code and message. */
export function errorFromFrame(frame: ErrorFrame, options: { retryable?: boolean } = {}): PolySocketError {
  return new PolySocketError(coreCodeOf(frame.code), frame.message || `Foony error ${frame.code}`, {
    backendCode: frame.code,
    retryable: options.retryable,
  });
}

/** Each optional module's option, and the import that goes in it (old option names point to their successor). */
const MODULES = {
  presence: 'foonyPresence',
  channelNames: 'strictChannelNames',
  strictChannelNames: 'strictChannelNames',
  persistCursors: 'webStorageCursors',
  cursorStorage: 'webStorageCursors',
  cursorStorageKey: 'webStorageCursors',
  fallback: 'foonyLongPoll',
  cipher: 'foonyCipher',
};

/**
 * Throws `needs(option)` for a module option whose value is not a module (every module is a function), and INVALID
 * for a `wire` that is not one of the wires (a JavaScript caller's `wire: 'json'`).
 */
export function checkModules(options: { wire?: unknown }): void {
  for (const option in MODULES) {
    const value = (options as Record<string, unknown>)[option];
    if (value !== undefined && typeof value !== 'function') throw needs(option as keyof typeof MODULES);
  }
  const wire = options.wire as { stream?: unknown } | undefined;
  if (wire !== undefined && typeof wire?.stream !== 'function')
    throw new PolySocketError('INVALID', "wire takes foonySeedWire or foonyBinaryWire from '@polysocket/foony'");
}

/** The INVALID error of a module of the binary wire (`subject`) with `wire: foonySeedWire`. */
export const binaryOnly = (subject: string): PolySocketError =>
  new PolySocketError('INVALID', `${subject} needs the binary wire (the default): drop wire: foonySeedWire`);

/** The INVALID error of an option used without its module: it names the import. */
export function needs(option: keyof typeof MODULES): PolySocketError {
  return missingModule(option, MODULES[option], 'foony');
}

/**
 * INVALID for data JSON cannot encode (a BigInt, a cyclic object): says what the wire carries. `what` names the call
 * (`publish`, `presence`; `encrypted publish`…).
 */
export const notJson = (error: unknown, what: string): PolySocketError =>
  new PolySocketError(
    'INVALID',
    `${what} data must be JSON-serialisable (no BigInt, no cyclic objects): ${(error as Error)?.message ?? String(error)}`,
    { cause: error },
  );
