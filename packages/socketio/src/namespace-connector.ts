import {
  describeEvent,
  fetchCredentials,
  toPolySocketError,
  type EncodedFrame,
  type RequestId,
  type RequestOptions,
  type RestoreContext,
} from '@polysocket/core';
import { isAuthData } from './checks';
import type { SocketIOWire } from './wire';
import type { EngineFrame } from './frames';
import type { AuthData } from './options';
import { encodePacket, PacketType, type Packet } from './parser';
import type { SocketIOSocket } from './socket';

/*
 * Connecting namespaces on the shared Engine.IO session, on the client's own fields (no object per client). A
 * namespace asked for at any moment is connected in the current session or the next: during a restore (from a
 * `connect` or `connect_error` listener, or `onReady`) it joins the restore, which waits for its answer.
 */

/** A request on the link: the connection's, or the restore's direct one. */
type LinkRequest = (build: (id: RequestId) => EncodedFrame, options?: RequestOptions) => Promise<EngineFrame>;

/** The restore of a session: its context, the CONNECTs it sent (answered or not) and their namespaces. */
export interface Restore {
  readonly context: RestoreContext<EncodedFrame, EngineFrame>;
  readonly pending: Promise<void>[];
  readonly attempted: SocketIOSocket[];
}

/** Waits until every CONNECT of the restore was answered, those sent meanwhile too; returns the namespaces it connected. */
export async function settleRestore({ pending, attempted }: Restore): Promise<SocketIOSocket[]> {
  for (let count = -1; count < pending.length;) {
    count = pending.length;
    await Promise.all(pending);
  }
  return attempted;
}

/**
 * Connects a namespace: in the restore in progress, in the session if it is up, otherwise in the next restore.
 * Settles once its CONNECT was answered (at once when it waits for the next restore).
 */
export function connectNamespace(client: SocketIOWire, socket: SocketIOSocket): Promise<void> {
  const restore = client.restoring;
  const connection = client.connection;
  if (restore && connection.state === 'connecting') {
    restore.attempted.push(socket);
    const done = sendConnect(client, socket, restore.context.request, restore.context.signal, true);
    restore.pending.push(done);
    done.catch(() => undefined); // the restore's wait has it
    return done;
  }
  if (!connection.isConnected) {
    socket.setConnecting();
    return Promise.resolve(); // the next restore connects it
  }
  const signal = (client.sessionAbort || (client.sessionAbort = new AbortController())).signal;
  return sendConnect(client, socket, (build, options) => connection.request(build, options), signal, false).then(() =>
    connection.flush(),
  );
}

/**
 * Sends the namespace's CONNECT (its auth resolved first) with `request` and settles the namespace with the
 * answer. In a restore, a failure other than the server's refusal (a timeout, an `auth` function that failed)
 * fails the attempt (the client reconnects); in a session, the namespace fails with it (`connect_error`, and an
 * `error` event), so that what waits for it does not wait forever.
 */
async function sendConnect(
  client: SocketIOWire,
  socket: SocketIOSocket,
  request: LinkRequest,
  signal: AbortSignal,
  inRestore: boolean,
): Promise<void> {
  socket.setConnecting();
  const call = {};
  socket.connectCall = call;
  const session = client.session;
  const timeoutMs = client.options.connectTimeoutMs ?? 10_000;
  const auth = socket.auth ?? client.options.auth;
  let requestId = -1;
  try {
    // An `auth` function answers within connectTimeoutMs (returning or calling back) with a plain object or
    // nothing; anything else is a retryable AUTH_FAILED naming `auth`.
    const data = await (typeof auth === 'function'
      ? fetchCredentials(
          'auth',
          () =>
            new Promise<AuthData | undefined>((resolve, reject) => {
              const returned = auth(resolve);
              if (returned !== undefined) Promise.resolve(returned).then(resolve, reject);
            }),
          {
            timeoutMs,
            valid: (value) => value === undefined || isAuthData(value),
            expected: 'a plain object',
            signal,
          },
        )
      : auth);
    client.addSecrets(data);
    if (session !== client.session) return; // that session is gone; the next restore connects the namespace
    await request(
      (id) => {
        socket.connectId = requestId = id;
        return encodePacket({ type: PacketType.CONNECT, nsp: socket.nsp, data });
      },
      {
        timeoutMs,
        bypassOutbox: true,
        label: `answer to the CONNECT of namespace ${describeEvent(socket.nsp)}`,
        timeoutHint: 'a slow auth middleware? raise connectTimeoutMs',
      },
    );
    // The CONNECT settled the namespace (`replyTo`); a `connect` listener may have left it since (it stays left).
  } catch (error) {
    const failure = toPolySocketError(error, 'PROTOCOL');
    const code = failure.code;
    if (code === 'DISCONNECTED' || code === 'CLOSED') return; // the link went: the next restore connects it
    if (!socket.wanted || socket.connectCall !== call) return; // the app left it, or asked again since
    if (failure.retryable || (code !== 'AUTH_FAILED' && code !== 'NOT_FOUND')) {
      if (inRestore) throw failure;
      client.connection.report(failure);
    }
    socket.onConnectError(failure);
  } finally {
    if (socket.connectCall === call) socket.connectCall = undefined;
    if (socket.connectId === requestId) socket.connectId = undefined;
  }
}

/**
 * The CONNECT request a CONNECT or CONNECT_ERROR packet answers. A CONNECT marks its namespace connected now,
 * not when the awaiting code resumes: events the server sends right after it may be in the same chunk.
 */
export function connectReply(client: SocketIOWire, packet: Packet, socket: SocketIOSocket): RequestId | undefined {
  const requestId = socket.connectId;
  if (requestId === undefined || packet.type !== PacketType.CONNECT) return requestId;
  const sid = (packet.data as { sid?: unknown } | undefined)?.sid;
  if (socket.wanted && socket.state === 'connecting') socket.onConnected(typeof sid === 'string' ? sid : undefined);
  // The app left the namespace while its CONNECT was on the way: leave it on the server too.
  else if (!socket.wanted) void client.connection.send(encodePacket({ type: PacketType.DISCONNECT, nsp: packet.nsp }));
  return requestId;
}
