import { PolySocketError, missingModule } from '@polysocket/core';
import type { Packet } from './parser';
import type { AuthData, SocketIOClientOptions } from './options';

/** INVALID for an unknown transport, or polling without its module (the default is WebSocket only). */
export function checkTransports(options: SocketIOClientOptions, owner: string): void {
  for (const name of options.transports ?? []) {
    if (name === 'polling' && typeof options.polling?.open !== 'function')
      throw missingModule('polling', 'socketioPolling', 'socketio', `${owner}: transport 'polling'`);
    if (name !== 'websocket' && name !== 'polling')
      throw new PolySocketError('INVALID', `${owner}: transports are 'websocket' and/or 'polling'`);
  }
}

/** What a Socket.IO server takes as a CONNECT payload: a plain object (an array, a string or null closes the link). */
export function isAuthData(value: unknown): value is AuthData {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** `auth` is a plain object or a function (INVALID otherwise: a Socket.IO server closes the link on any other payload). */
export function checkAuth(auth: unknown, owner: string): void {
  if (auth !== undefined && typeof auth !== 'function' && !isAuthData(auth))
    throw new PolySocketError('INVALID', `${owner}: auth must be a plain object or a function`);
}

/** The namespace a url names, as socket.io-client reads it: its path ('/' when it has none). */
export function namespaceOf(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

/**
 * A CONNECT_ERROR: AUTH_FAILED with the server's message, its `data` as the cause; NOT_FOUND for a namespace the
 * server does not have (socket.io answers those `Invalid namespace`).
 */
export function connectError(packet: Packet): PolySocketError {
  const data = packet.data as { message?: unknown; data?: unknown } | string | undefined;
  const message =
    typeof data === 'string' ? data : typeof data?.message === 'string' ? data.message : 'connection refused';
  const unknown = message === 'Invalid namespace';
  return new PolySocketError(
    unknown ? 'NOT_FOUND' : 'AUTH_FAILED',
    unknown ? 'no such namespace: check the URL path' : message,
    {
      retryable: false,
      backendCode: message,
      cause: (data as { data?: unknown } | undefined)?.data,
    },
  );
}

/** @internal What waited for a client that ended rejects with (Sockr's requests too). */
export const clientEnded = (state: 'closed' | 'failed'): PolySocketError =>
  new PolySocketError(state === 'closed' ? 'CLOSED' : 'DISCONNECTED', `client ${state}: call connect() to reopen`, {
    retryable: false,
  });
