import { describeEvent, PolySocketError } from '@polysocket/core';
import type { SocketIOSocket } from './socket';

/**
 * The next arguments of any of `events` on `socket` (Sockr's login during `onReady`); rejects with TIMEOUT
 * (its message ends with `hint`), or DISCONNECTED when `signal` aborts.
 */
export function nextEvent(
  socket: SocketIOSocket,
  events: string[],
  timeoutMs: number,
  signal: AbortSignal,
  hint?: string,
): Promise<{ event: string; args: unknown[] }> {
  return new Promise((resolve, reject) => {
    const handlers = events.map(
      (event) => [event, (...args: unknown[]) => finish(() => resolve({ event, args }))] as const,
    );
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new PolySocketError(
              'TIMEOUT',
              `no ${events.map(describeEvent).join(' or ')} within ${timeoutMs} ms${hint ? `: ${hint}` : ''}`,
            ),
          ),
        ),
      timeoutMs,
    );
    const onAbort = (): void =>
      finish(() => reject(new PolySocketError('DISCONNECTED', 'the link closed while waiting')));
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const [event, handler] of handlers) socket.off(event, handler);
      settle();
    };
    for (const [event, handler] of handlers) socket.on(event, handler);
    signal.addEventListener('abort', onAbort);
  });
}
