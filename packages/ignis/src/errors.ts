import { PolySocketError, type CloseDecision, type CloseInfo, type ErrorCode } from '@polysocket/core';

/** The helper's exact error strings and the code each means (a Map: a hostile `constructor` finds nothing). */
const CODE_BY_MESSAGE: ReadonlyMap<string, ErrorCode> = /* @__PURE__ */ new Map<string, ErrorCode>([
  ['Invalid message format', 'PROTOCOL'],
  ['Not authenticated', 'AUTH_FAILED'],
  ['Already authenticated', 'PROTOCOL'],
  ['Authentication failed', 'AUTH_FAILED'],
  ['Authentication error', 'SERVER'],
  ['Encryption handshake failed', 'INVALID'],
]);

/**
 * The typed error for an `error` frame's `data.message` (also its `backendCode`). Retryable as its code is by
 * default, but `Not authenticated` (a send raced the handshake) is; an unknown message is a retryable SERVER error.
 */
export function errorFromMessage(message: unknown): PolySocketError {
  const text = typeof message === 'string' && message ? message : 'Ignis server error';
  return new PolySocketError(CODE_BY_MESSAGE.get(text) ?? 'SERVER', text, {
    retryable: text === 'Not authenticated' || undefined,
    backendCode: text,
  });
}

export const CloseCode = {
  ShuttingDown: 1001,
  AuthTimeout: 4001,
  HeartbeatTimeout: 4002,
  AuthFailed: 4003,
  EncryptionRequired: 4004,
} as const;

/** The final refusal of the credentials (4003 after `Authentication failed`). */
export function authFailed(): PolySocketError {
  return new PolySocketError('AUTH_FAILED', 'Authentication failed', { backendCode: 4003 });
}

/** The server requires encryption (4004, or `Encryption handshake failed` to a client without the module). */
export function encryptionRequired(reason: string | number, backendCode: string | number): PolySocketError {
  return new PolySocketError(
    'INVALID',
    `the server requires encryption (${reason}): pass encryption: ignisEncryption()`,
    { backendCode },
  );
}

/**
 * The close-code policy: 1001/1006/4001/4002 and unknown codes reconnect; 4003 reconnects only
 * when the preceding error frame said `Authentication error` (a server fault) — after
 * `Authentication failed` it stops (or asks the auth provider once); 4004 stops with a
 * configuration error.
 */
export function classifyIgnisClose(
  info: CloseInfo,
  lastErrorMessage: string | undefined,
  canReauth: boolean,
): CloseDecision {
  const code = info.code;
  if (code === 4004) return { action: 'stop', error: encryptionRequired(info.reason || code, code) };
  if (code !== 4003 || lastErrorMessage === 'Authentication error') return { action: 'reconnect' };
  return canReauth ? { action: 'reauth' } : { action: 'stop', error: authFailed() };
}
