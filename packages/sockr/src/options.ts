import type { ConnectionTuning } from '@polysocket/core';
import type { ReadyContext, SocketIOClientOptions, SocketIOPolling } from '@polysocket/socketio';
import type { SockrCallsModule } from './calls';
import type { SockrTypingModule } from './typing';
import type { ClientConfig } from './types';

/**
 * sockr-client's `ClientConfig` plus every core tuning option. Where both name the same thing, the core's
 * name wins: `reconnect` over `reconnection`, `maxAttempts` over `reconnectionAttempts`, `connectTimeoutMs`
 * over `timeout`, `backoff.initialDelayMs` over `reconnectionDelay`.
 */
export interface SockrClientOptions extends ClientConfig, ConnectionTuning {
  /** A static token. */
  token?: string;
  /** Returns the current token; called on every (re)connect. */
  getToken?: () => string | Promise<string>;
  /** Emit `authenticated` back after login so the real server runs its post-login work (presence, offline queue, group rooms). Default true. */
  emitAuthEcho?: boolean;
  /** Timeout of every request that has a reply, and of `getToken`. Default 10 000 ms (ICE servers: 5 000 ms). */
  requestTimeoutMs?: number;
  /** How many direct messages may await their `message_delivered` at once (replies carry no id). Default 1. */
  maxMessagesInFlight?: number;
  /** Refuse `ws://`/`http://` to a non-loopback host: the client fails (INVALID) instead of sending the token in clear. */
  secureOnly?: boolean;
  /** The long-polling module, needed by `transports` with `'polling'` (default `['websocket']`): `socketioPolling`. */
  polling?: SocketIOPolling;
  /** The calls module (1:1 call signalling, SFU conferences): `import { sockrCalls } from '@polysocket/sockr'`. */
  calls?: SockrCallsModule;
  /** Hang up an unanswered outgoing call after this (with `calls`). Default 45 000 ms. */
  ringTimeoutMs?: number;
  /** The typing-indicators module: `import { sockrTyping } from '@polysocket/sockr'`. */
  typing?: SockrTypingModule;
  /** With `typing`: send `start` at most every `throttleMs` (2000), stop after `idleMs` (3000) idle, expire remote ones after `expireMs` (5000). */
  typingTimes?: { throttleMs?: number; idleMs?: number; expireMs?: number };
  /**
   * After every re-login, fetch the recent history of each conversation this client has seen and
   * deliver what it missed (a live message written to a dying socket is otherwise lost: the server
   * counts it delivered). Each message still arrives once. Default true.
   */
  catchUp?: boolean;
}

/** socket.io's default `maxHttpBufferSize`, which Sockr's server does not change. */
const SOCKR_MAX_MESSAGE_SIZE = 1_000_000;

/**
 * The Socket.IO client's options from Sockr's: every core tuning option (sockr-client's names as fallbacks) and
 * the client's own. The type lists every key of ConnectionTuning: one added to the core fails to compile here
 * until it is forwarded.
 *
 * One object literal, no spread: V8 builds a spread literal in optimised code with a hidden class of its own, so
 * after the first few clients each one carried its own (≈ 0.9 KB of map and descriptors per client).
 */
export function ioOptionsOf(
  options: SockrClientOptions,
  requestTimeoutMs: number,
  sockr: IoOptions['sockr'],
): { [K in keyof Required<ConnectionTuning>]: ConnectionTuning[K] } & IoOptions {
  const delay = options.reconnectionDelay;
  return {
    reconnect: options.reconnect ?? options.reconnection !== false,
    backoff: delay !== undefined ? { initialDelayMs: delay, ...options.backoff } : options.backoff,
    maxAttempts: options.maxAttempts ?? options.reconnectionAttempts,
    minUptimeMs: options.minUptimeMs,
    connectTimeoutMs: options.connectTimeoutMs ?? options.timeout ?? 20_000,
    connectWaitMs: options.connectWaitMs,
    requestTimeoutMs,
    outbox: options.outbox,
    logger: options.logger,
    random: options.random,
    browser: options.browser,
    maxFrameSize: options.maxFrameSize,
    // Sockr's server leaves socket.io's maxHttpBufferSize at 1 MB: a bigger event would close the link.
    maxMessageSize: options.maxMessageSize ?? SOCKR_MAX_MESSAGE_SIZE,
    url: rootUrl(options.url),
    transports: options.transports ?? ['websocket'],
    polling: options.polling,
    autoConnect: false,
    secureOnly: options.secureOnly,
    onReady: login,
    sockr,
    clientName: 'SockrClient',
  };
}

/** The Socket.IO client's options as Sockr makes them: they name the Sockr client whose login `onReady` runs. */
interface IoOptions extends SocketIOClientOptions {
  sockr: { login(context: ReadyContext): Promise<void> };
}

/** `onReady`, one function for every client: the Socket.IO client calls it as a method of its options. */
function login(this: IoOptions, context: ReadyContext): Promise<void> {
  return this.sockr.login(context);
}

/** Sockr's events are on the namespace `/`: a path in its url does not name another (as it would for Socket.IO). */
export function rootUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.pathname = '/';
    return parsed.toString();
  } catch {
    return url; // the Socket.IO client refuses it with INVALID
  }
}
