import type { ConnectionState, DisconnectEvent, PolySocketError, ReconnectingEvent } from '@polysocket/core';
import type { EngineSession } from '@polysocket/socketio';
import type { SockrCall } from './call';
import type { IncomingMessage } from './messages';
import type { ServerEvent, ServerPayloads } from './types';

/** A Sockr session: the user the token logged in, on an Engine.IO session. */
export interface SockrSession {
  userId: string;
  engine: EngineSession;
}

/**
 * Local events on top of the server's: deduplicated messages, typing, calls, and the lifecycle. The lifecycle
 * events have the names and payloads of every PolySocket client's (`state`, `connected`, `disconnected`,
 * `reconnecting`, `error`, `rtt`); `connect` and `disconnect` are sockr-client's (logged in; the main
 * namespace went down, with socket.io-client's reason).
 */
export type SockrLocalEvents = {
  /** A direct message, once per messageId (live, queued while offline, or flushed). */
  message: [message: IncomingMessage];
  /** A group message, once per messageId (live, or from `group_joined`). */
  group_message: [message: IncomingMessage];
  /** An incoming call (with the `calls` module). */
  call: [call: SockrCall];
  /**
   * Someone started or stopped typing (with the `typing` module; expired after 5 s without news). Key: userId,
   * or `groupId:userId`.
   */
  typing: [change: { key: string; typing: boolean; groupId?: string; userId: string }];
  connect: [];
  disconnect: [reason: string];
  error: [error: PolySocketError];
  state: [state: ConnectionState, previous: ConnectionState];
  /** Logged in (after every reconnect too): the client is `connected` only once logged in. */
  connected: [session: SockrSession];
  disconnected: [event: DisconnectEvent];
  reconnecting: [event: ReconnectingEvent];
  /** The round trip of a liveness probe (the Socket.IO adapter's). */
  rtt: [ms: number];
};

type ServerEvents = { [E in ServerEvent]: [data: ServerPayloads[E]] };
export type SockrEvents = ServerEvents & SockrLocalEvents;
