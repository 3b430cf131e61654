import { PolySocketError, type ErrorCode as CoreErrorCode } from '@polysocket/core';
import { ErrorCode, type ErrorFrame } from './wire';

const CORE_CODE: Record<number, CoreErrorCode> = {
  [ErrorCode.BadFrame]: 'PROTOCOL',
  [ErrorCode.BadAuth]: 'AUTH_FAILED',
  [ErrorCode.AuthExpired]: 'AUTH_EXPIRED',
  [ErrorCode.Forbidden]: 'FORBIDDEN',
  [ErrorCode.NotFound]: 'NOT_FOUND',
  [ErrorCode.RateLimited]: 'RATE_LIMITED',
  [ErrorCode.Server]: 'SERVER',
};

/** Maps a Foony error code to the core's codes: 403xx → FORBIDDEN, 5xxxx → SERVER, and so on. */
export function coreCodeOf(code: number): CoreErrorCode {
  const exact = CORE_CODE[code];
  if (exact) return exact;
  if (code >= 40300 && code < 40400) return 'FORBIDDEN';
  if (code >= 40100 && code < 40200) return 'AUTH_FAILED';
  if (code >= 50000) return 'SERVER';
  return 'PROTOCOL';
}

/** The typed error an `err` frame stands for, carrying the server's code and message. */
export function errorFromFrame(frame: ErrorFrame, options: { retryable?: boolean } = {}): PolySocketError {
  return new PolySocketError(coreCodeOf(frame.code), frame.message || `Foony error ${frame.code}`, {
    backendCode: frame.code,
    retryable: options.retryable,
  });
}
