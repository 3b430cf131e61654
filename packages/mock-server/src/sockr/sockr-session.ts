import type { Socket } from 'socket.io';
import type { SockrLink } from './sockr-link';
import type { SockrMock } from './sockr-module';

/** One Socket.IO connection to the Sockr mock: who it logged in as, and how its handlers listen and send. */
export class SockrSession {
  /** Set by a successful `authenticate`. */
  userId: string | undefined;

  constructor(
    readonly mock: SockrMock,
    readonly socket: Socket,
    readonly link: SockrLink | undefined,
  ) {}

  /** Listens to a client event: logged, ignored while the link is silenced, payload an object (or `{}`). */
  on(event: string, handler: (data: Record<string, unknown>, userId: string | undefined) => void): void {
    this.socket.on(event, (data: unknown) => {
      if (this.link?.isSilenced) return;
      this.mock.eventLog.push([this.userId ?? '-', event]);
      handler(data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {}, this.userId);
    });
  }

  /** Emits to every socket of a user. */
  to(userId: string, event: string, payload: unknown): void {
    for (const socket of this.mock.online.get(userId) ?? []) socket.emit(event, payload);
  }
}
