import type { MockServer, SockrMock } from '@polysocket/mock-server';
import type { FaultTarget } from './chaos-schedule';

/** The parts of an Engine.IO server socket the faults touch. */
interface EngineSocket {
  sendPacket: (...args: unknown[]) => void;
  request: { socket: { pause(): void } };
}

interface Held {
  ms: number;
  queue: { at: number; args: unknown[] }[];
  timer: ReturnType<typeof setTimeout> | undefined;
  original: (...args: unknown[]) => void;
}

/**
 * Faults aimed at one Sockr user's link. The mock server's own drop and silence act on every Socket.IO
 * connection at once (and a silence there freezes the whole module until a restart), and its delay and
 * refusal only reach the WebSocket endpoints it mounts itself; Sockr runs on the `socket.io` library, so
 * these are done on the Engine.IO sockets directly.
 */
export function sockrUserTarget(server: MockServer, sockr: SockrMock, userId: string): FaultTarget {
  const held = new Map<EngineSocket, Held>();
  let refuseUntil = 0;

  const engineSockets = (): EngineSocket[] => [...(sockr.online.get(userId) ?? [])].map((socket) => socket.conn as unknown as EngineSocket);

  // Held packets go out oldest first: lowering the delay never lets a packet overtake an earlier one.
  const pump = (conn: EngineSocket, state: Held): void => {
    state.timer = undefined;
    const now = Date.now();
    while (state.queue.length > 0 && state.queue[0].at <= now) state.original(...state.queue.shift()!.args);
    if (state.queue.length > 0) {
      state.timer = setTimeout(() => pump(conn, state), state.queue[0].at - now);
    } else if (state.ms === 0) {
      conn.sendPacket = state.original;
      held.delete(conn);
    }
  };

  const refuseOnEngine = (): void => {
    const engine = sockr.io?.engine as unknown as { opts: { allowRequest?: (req: unknown, done: (message: string, ok: boolean) => void) => void } } | undefined;
    if (engine) engine.opts.allowRequest = (_req, done) => done('refused by the chaos schedule', Date.now() >= refuseUntil);
  };

  return {
    drop: () => sockr.dropUser(userId),
    silence: () => {
      // Half-open: whatever the server writes is lost (it still counts it delivered), nothing is read.
      for (const conn of engineSockets()) {
        const state = held.get(conn);
        if (state === undefined) continue;
        clearTimeout(state.timer);
        held.delete(conn);
      }
      sockr.blackhole(userId);
      for (const conn of engineSockets()) conn.request.socket.pause();
    },
    delay: (ms) => {
      for (const state of held.values()) state.ms = ms;
      if (ms === 0) {
        for (const [conn, state] of held) if (state.timer === undefined) pump(conn, state);
        return;
      }
      for (const conn of engineSockets()) {
        if (held.has(conn)) continue;
        const state: Held = { ms, queue: [], timer: undefined, original: conn.sendPacket.bind(conn) };
        held.set(conn, state);
        conn.sendPacket = (...args: unknown[]) => {
          state.queue.push({ at: Date.now() + state.ms, args });
          if (state.timer === undefined) state.timer = setTimeout(() => pump(conn, state), state.ms);
        };
      }
    },
    refuse: (ms) => {
      refuseUntil = Date.now() + ms;
      refuseOnEngine();
    },
    restart: async (downMs) => {
      await server.faults.restart(downMs);
      refuseOnEngine(); // a refusal still running applies to the new engine too
    },
  };
}
