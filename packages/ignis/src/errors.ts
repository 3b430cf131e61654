import { PolySocketError, type CloseDecision, type CloseInfo, type ErrorCode } from '@polysocket/core';

/** The helper's exact error strings and what they mean for the client. */
const BY_MESSAGE: Record<string, { code: ErrorCode; retryable: boolean }> = {
  'Invalid message format': { code: 'PROTOCOL', retryable: false },
  'Not authenticated': { code: 'AUTH_FAILED', retryable: true },
  'Already authenticated': { code: 'PROTOCOL', retryable: false },
  'Authentication failed': { code: 'AUTH_FAILED', retryable: false },
  'Authentication error': { code: 'SERVER', retryable: true },
  'Encryption handshake failed': { code: 'INVALID', retryable: false },
};

/** The typed error for an `error` frame's `data.message`. */
export function errorFromMessage(message: unknown): PolySocketError {
  const text = typeof message === 'string' && message ? message : 'Ignis server error';
  const known = BY_MESSAGE[text];
  return new PolySocketError(known?.code ?? 'SERVER', text, { retryable: known?.retryable ?? true, backendCode: text });
}

export const CloseCode = {
  ShuttingDown: 1001,
  AuthTimeout: 4001,
  HeartbeatTimeout: 4002,
  AuthFailed: 4003,
  EncryptionRequired: 4004,
} as const;

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
  if (info.code === CloseCode.EncryptionRequired) {
    return {
      action: 'stop',
      error: new PolySocketError(
        'INVALID',
        `the server requires encryption (${info.reason || '4004'}): enable the client's encryption option with the server's scheme`,
        {
          backendCode: info.code,
        },
      ),
    };
  }
  if (info.code === CloseCode.AuthFailed) {
    if (lastErrorMessage === 'Authentication error') return { action: 'reconnect' };
    if (canReauth) return { action: 'reauth' };
    return {
      action: 'stop',
      error: new PolySocketError('AUTH_FAILED', 'Authentication failed', { retryable: false, backendCode: info.code }),
    };
  }
  return { action: 'reconnect' };
}
