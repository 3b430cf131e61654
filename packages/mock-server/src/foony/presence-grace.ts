/**
 * Presence of ended binary sessions, kept for a grace period: a new session that authenticates with
 * `resumeConnectionId` (same clientId) within it takes the connectionId and the memberships over with no
 * leave/enter; otherwise the `leave` goes out when the period ends.
 */
export class PresenceGrace {
  private readonly held = new Map<string, { clientId: string; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly graceMs: number,
    private readonly expire: (connectionId: string) => void,
  ) {}

  hold(connectionId: string, clientId: string): void {
    if (this.graceMs <= 0) return this.expire(connectionId);
    const timer = setTimeout(() => {
      this.held.delete(connectionId);
      this.expire(connectionId);
    }, this.graceMs);
    this.held.set(connectionId, { clientId, timer });
  }

  /** Whether `connectionId` was held for `clientId`; if so it is taken over (no leave). */
  take(connectionId: string, clientId: string): boolean {
    const entry = this.held.get(connectionId);
    if (!entry || entry.clientId !== clientId) return false;
    clearTimeout(entry.timer);
    this.held.delete(connectionId);
    return true;
  }

  /** Ends every grace period now (the server is going down): the leaves go out at once. */
  flush(): void {
    const ids = [...this.held.keys()];
    for (const entry of this.held.values()) clearTimeout(entry.timer);
    this.held.clear();
    for (const id of ids) this.expire(id);
  }

  get size(): number {
    return this.held.size;
  }
}
