/**
 * The last `limit` ids, oldest evicted first. The order lives in a ring rather than in the Set's
 * insertion order: evicting with `set.values().next()` walks over every slot deleted since the Set's
 * last rehash, which made each message cost thousands of steps once the window was full.
 */
export class RecentIds {
  /** Made on the first id: a client may never receive one (an empty Set is ~150 bytes). */
  private ids: Set<string> | undefined;
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError('RecentIds needs a limit of at least 1');
  }

  has(id: string): boolean {
    return this.ids !== undefined && this.ids.has(id);
  }

  /** Records `id`; false (and nothing changes) when it is already among the last `limit`. */
  accept(id: string): boolean {
    const ids = this.ids ?? (this.ids = new Set());
    // One hash lookup for "seen?" and "remember": `add` leaves the size alone for an id already there.
    const before = ids.size;
    ids.add(id);
    if (ids.size === before) return false;
    const ring = this.ring;
    if (ring.length < this.limit) ring.push(id);
    else {
      const slot = this.next;
      ids.delete(ring[slot]);
      ring[slot] = id;
      this.next = slot + 1 === this.limit ? 0 : slot + 1;
    }
    return true;
  }
}
