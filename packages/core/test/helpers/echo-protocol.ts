import {
  PolySocketError,
  type CloseInfo,
  type HeartbeatPolicy,
  type Protocol,
  type RestoreContext,
  type TransportData,
} from '@polysocket/core';

/** A tiny JSON protocol for testing the core: hello/welcome handshake, ping/pong, req/res, msg, sub. */
export type EchoOut =
  | { t: 'hello'; token: string }
  | { t: 'ping' }
  | { t: 'req'; id: number; body: unknown }
  | { t: 'msg'; body: unknown }
  | { t: 'sub'; stream: string };

export type EchoIn =
  | { t: 'welcome'; session: string }
  | { t: 'denied' }
  | { t: 'expired' }
  | { t: 'pong' }
  | { t: 'res'; id: number; body?: unknown; error?: string }
  | { t: 'msg'; body: unknown };

export interface EchoInfo {
  session: string;
}

export interface EchoProtocolOptions {
  token?: () => string;
  /** Heartbeat for every session; default: none. */
  heartbeat?: HeartbeatPolicy<EchoOut, EchoIn>;
  /** Streams re-subscribed on restore. */
  streams?: string[];
  /** Receives every restore context, for assertions. */
  restoreCalls?: { reconnect: boolean }[];
  /** Receives every handshake's flags. */
  handshakes?: { attempt: number; reconnect: boolean; reauth: boolean }[];
  classifyClose?: (info: CloseInfo) => ReturnType<NonNullable<Protocol<EchoOut, EchoIn>['classifyClose']>>;
  /** Receives the frames that are not heartbeats or replies. */
  onFrame?: (frame: EchoIn) => void;
  /** The limit the "server" announces in the handshake. */
  announcedMaxMessageSize?: number;
  /** The adapter's state hook (runs before the app's `state` listeners). */
  onState?: Protocol<EchoOut, EchoIn>['onState'];
}

export function clientPingHeartbeat(intervalMs: number, probeTimeoutMs: number): HeartbeatPolicy<EchoOut, EchoIn> {
  return { intervalMs, probeTimeoutMs, ping: () => ({ t: 'ping' }), isPong: (f) => f.t === 'pong' };
}

export function echoProtocol(options: EchoProtocolOptions = {}): Protocol<EchoOut, EchoIn, EchoInfo> {
  return {
    name: 'echo',
    encode: (frame) => JSON.stringify(frame),
    decode(data: TransportData, emit) {
      const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || typeof (parsed as { t?: unknown }).t !== 'string') {
        throw new PolySocketError('PROTOCOL', 'not an echo frame');
      }
      emit(parsed as EchoIn);
    },
    async handshake(context) {
      options.handshakes?.push({ attempt: context.attempt, reconnect: context.reconnect, reauth: context.reauth });
      context.send({ t: 'hello', token: options.token?.() ?? 'good-token' });
      const frame = await context.receive();
      if (frame.t === 'welcome')
        return {
          info: { session: frame.session },
          heartbeat: options.heartbeat,
          maxMessageSize: options.announcedMaxMessageSize,
        };
      if (frame.t === 'denied') throw new PolySocketError('AUTH_FAILED', 'token refused', { retryable: false });
      if (frame.t === 'expired') throw new PolySocketError('AUTH_EXPIRED', 'token expired');
      throw new PolySocketError('PROTOCOL', `unexpected ${frame.t} in the handshake`, { retryable: true });
    },
    replyTo: (frame) => (frame.t === 'res' ? frame.id : undefined),
    replyError: (frame) => (frame.t === 'res' && frame.error ? new PolySocketError('SERVER', frame.error) : undefined),
    classifyClose: options.classifyClose,
    onFrame: options.onFrame,
    onState: options.onState,
    restore(context: RestoreContext<EchoOut, EchoIn>) {
      options.restoreCalls?.push({ reconnect: context.reconnect });
      for (const stream of options.streams ?? []) context.send({ t: 'sub', stream });
    },
  };
}
