import { MemoryServer, type MemoryPeer } from '@polysocket/core';
import type { EchoIn, EchoOut } from './echo-protocol';

export interface EchoServerBehaviour {
  /** Tokens refused with `denied`. */
  badTokens?: Set<string>;
  /** Tokens answered with `expired`. */
  expiredTokens?: Set<string>;
  /** When true, `req` frames get no answer. */
  holdRequests?: boolean;
  /** When true, pings get no pong (everything else still works). */
  ignorePings?: boolean;
  /** When true, hello gets no answer. */
  ignoreHello?: boolean;
}

export interface EchoServer {
  server: MemoryServer;
  behaviour: EchoServerBehaviour;
  /** Frames each peer received, parsed. */
  frames(peer?: MemoryPeer): EchoOut[];
  sendTo(peer: MemoryPeer, frame: EchoIn): void;
}

/** A MemoryServer answering the echo protocol. */
export function memoryEchoServer(behaviour: EchoServerBehaviour = {}): EchoServer {
  const server = new MemoryServer();
  let sessions = 0;
  const send = (peer: MemoryPeer, frame: EchoIn): void => peer.send(JSON.stringify(frame));
  server.onConnection = (peer) => {
    peer.onMessage = (data) => {
      const frame = JSON.parse(String(data)) as EchoOut;
      switch (frame.t) {
        case 'hello':
          if (behaviour.ignoreHello) return;
          if (behaviour.badTokens?.has(frame.token)) return send(peer, { t: 'denied' });
          if (behaviour.expiredTokens?.has(frame.token)) return send(peer, { t: 'expired' });
          return send(peer, { t: 'welcome', session: `s${++sessions}` });
        case 'ping':
          if (!behaviour.ignorePings) send(peer, { t: 'pong' });
          return;
        case 'req':
          if (!behaviour.holdRequests) send(peer, { t: 'res', id: frame.id, body: frame.body });
          return;
        default:
          return;
      }
    };
  };
  return {
    server,
    behaviour,
    frames: (peer = server.last) => (peer ? peer.received.map((d) => JSON.parse(String(d)) as EchoOut) : []),
    sendTo: send,
  };
}
