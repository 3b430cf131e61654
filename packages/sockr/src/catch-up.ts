import { LazyMap } from '@polysocket/core';
import type { SockrBase } from './base';
import { pageBackwards, toMessage, type SeenMessages } from './messages';
import type { PersistedMessage } from './types';

/**
 * The direct conversations this client has seen, and the catch-up after a re-login: a live message written
 * to a dying socket is lost (the server counts it delivered), so after each drop the client pages back
 * through each conversation until it passes the newest message seen before the drop (at most 10 pages of
 * 100) and delivers, oldest first and once each, what it missed.
 */
export class Conversations {
  /** Peer → the timestamp of the newest direct message seen with them (a record updated in place). */
  private readonly newest = new LazyMap<string, { at: number }>();
  /** Peer → the newest timestamp seen when the link went down: what was sent after it may be lost. */
  private points = new LazyMap<string, number>();
  /** Catch-ups run one after another; made with the first. */
  private chain: Promise<void> | undefined;

  constructor(
    private readonly client: SockrBase,
    private readonly seen: SeenMessages,
  ) {}

  saw(peer: string, timestamp: number): void {
    if (peer === this.client.getUserId()) return;
    const seen = this.newest.get(peer);
    if (seen === undefined) this.newest.set(peer, { at: timestamp });
    else if (timestamp >= seen.at) seen.at = timestamp;
  }

  /** The link dropped: what each conversation had reached is where the next catch-up starts. */
  onDrop(): void {
    for (const [peer, seen] of this.newest) this.keep(peer, seen.at);
  }

  /** Logged in again: catch up (after any catch-up still running). */
  onLogin(): void {
    this.chain = (this.chain ?? Promise.resolve()).then(() => this.catchUp());
  }

  private async catchUp(): Promise<void> {
    const me = this.client.getUserId();
    const points = this.points;
    this.points = new LazyMap();
    for (const [peer, since] of points) {
      const missed: PersistedMessage[] = [];
      let pages = 0;
      try {
        for await (const page of pageBackwards((before) => this.client.history(peer, 100, before), { limit: 100 })) {
          // Only what was sent since the drop: an older message this client never saw (sent before it existed, or
          // delivered to another client of the same user) is history, not a missed live message.
          for (const message of page)
            if (message.from !== me && message.timestamp >= since && !this.seen.has(message.id)) missed.push(message);
          if (page[0].timestamp < since || ++pages >= 10) break;
        }
      } catch {
        // A timeout or another drop: keep the point, the next reconnect tries again.
        this.keep(peer, since);
        continue;
      }
      missed.sort((a, b) => a.timestamp - b.timestamp);
      for (const message of missed) {
        if (!this.seen.acceptStored(message)) continue;
        this.saw(peer, message.timestamp);
        // `receive_message` as the server sends it live (the same fields), and the app's `message`.
        const live = toMessage(message.id, message);
        this.client.emit('receive_message', { ...live } as never);
        this.client.emit('message', live);
      }
    }
  }

  /** Several drops before a successful catch-up: resume from the oldest point. */
  private keep(peer: string, timestamp: number): void {
    const known = this.points.get(peer);
    this.points.set(peer, known === undefined ? timestamp : Math.min(known, timestamp));
  }
}
