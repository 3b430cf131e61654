/**
 * In-order, once-only delivery by the channel serials of Foony's current wire. The service numbers a channel's
 * stored messages 1, 2, 3 … and a subscriber misses some only by loss (a slow consumer's dropped message). When a
 * serial arrives ahead of the next one expected, the messages after the gap are HELD and the missing ones are
 * fetched; once they arrive the app gets them first, then the held ones: 5, 6, 7, 8 where the official client
 * delivers 5, 6, 8, 7. What the service no longer has is reported as lost, never waited for forever.
 */

/** What the order needs of a message. Unsequenced (no serial) and ephemeral messages pass straight through. */
export interface Sequenced {
  readonly seq?: number;
  readonly ephemeral?: boolean;
}

/**
 * The order of one channel's messages; the channel's side of the wire extends it with where messages go (`deliver`),
 * how a gap is asked for (`fetch`) and how a loss is told (`lost`).
 */
export abstract class SerialOrder<M extends Sequenced> {
  /** Messages after a gap, by ascending serial, waiting for the gap to be filled. */
  private held: M[] | undefined;
  private fetching = false;
  /** @internal Bumped by `abandon`: an answer to a fetch of before, or a delivery under way, is no longer this order's. */
  protected generation = 0;

  /** `serial`: the last serial delivered without a gap before it (a resume cursor); 0 for none yet. */
  constructor(public serial = 0) {}

  /** The next message for the app, in serial order. */
  protected abstract deliver(message: M): void;
  /** Ask the service for what follows `fromSerial`; answer with `filled`, or `unfilled` if it cannot be asked. */
  protected abstract fetch(fromSerial: number): void;
  /** Serials after `after` (and before `before`) will never be delivered (the service no longer has them). */
  protected abstract lost(after: number, before?: number): void;

  /** Whether messages wait for a gap to be filled. */
  get waiting(): boolean {
    return this.held !== undefined;
  }

  /** A message from the live stream or a replay. */
  accept(message: M): void {
    const seq = message.seq;
    if (!seq || message.ephemeral) return this.deliver(message);
    if (seq <= this.serial) return; // delivered already (a replay overlapping the live stream)
    if (!this.serial || seq === this.serial + 1) {
      this.serial = seq;
      this.deliver(message);
      return this.drain();
    }
    // Held in serial order, once; the gap before it asked for.
    const held = (this.held ??= []);
    let at = held.length;
    while (at > 0 && held[at - 1].seq! > seq) at--;
    if (held[at - 1]?.seq !== seq) held.splice(at, 0, message);
    this.refill();
  }

  /**
   * The answer to `fetch`: what followed the serial asked from. `resumed: false` means the service no longer has all
   * of it: what it lacks is reported lost, then what it still has (`messages`, above the hole) and the held messages
   * go on in order.
   */
  filled(messages: readonly M[], resumed: boolean): void {
    const generation = this.generation;
    if (!resumed) {
      let first = Infinity;
      for (const { seq } of messages) if (seq! > this.serial && seq! < first) first = seq!;
      // Nothing sequenced after the cursor: the whole gap is lost (below, with the held messages).
      if (first < Infinity && first > this.serial + 1) {
        this.lost(this.serial, first);
        if (generation !== this.generation) return;
        this.serial = first - 1;
      }
    }
    // Still `fetching` while the answer is applied: a gap left in it is not asked for again.
    for (const message of messages) if (generation === this.generation) this.accept(message);
    // Whatever is still missing after the service's full answer is gone.
    if (generation === this.generation) this.unfilled(true);
  }

  /**
   * A fetch that could not be answered. `giveUp`: report the gap lost and go on (the link is up but the service
   * refused or did not answer); otherwise keep holding (the link dropped: the resume after it replays the gap).
   */
  unfilled(giveUp: boolean): void {
    this.fetching = false;
    // Gives up on the gap before the first held message: reported lost, then the held run is delivered.
    const generation = this.generation;
    while (giveUp && this.held && !this.fetching && generation === this.generation) {
      const first = this.held[0].seq!;
      this.lost(this.serial, first);
      if (generation !== this.generation) return;
      this.serial = first - 1;
      this.drain();
    }
  }

  /**
   * A new baseline (a resume the service could not honour): what followed `after` is told lost first, up to the first
   * held serial if any; then the held messages go to the app, and the next serial starts a run.
   */
  reset(after?: number): void {
    this.fetching = false;
    const held = this.held;
    this.held = undefined;
    this.serial = 0;
    if (after !== undefined) this.lost(after, held?.[0]?.seq);
    if (held) for (const message of held) this.deliver(message);
  }

  /** Starts over: what is held is dropped (a delivery under way stops at once), answers of before are ignored. */
  abandon(): void {
    this.generation++;
    if (this.held) this.held.length = 0;
    this.held = undefined;
    this.fetching = false;
    this.serial = 0;
  }

  /** Asks for the gap before what is held, unless asked already (also again: a resume whose replay fell short). */
  refill(): void {
    if (this.fetching || !this.held) return;
    this.fetching = true;
    this.fetch(this.serial);
  }

  /** Delivers held messages that now follow on. */
  private drain(): void {
    const held = this.held;
    while (held?.length && held[0].seq! <= this.serial + 1) {
      const next = held.shift()!;
      if (next.seq! === this.serial + 1) {
        this.serial = next.seq!;
        this.deliver(next);
      }
    }
    if (held && !held.length && this.held === held) this.held = undefined;
  }
}
