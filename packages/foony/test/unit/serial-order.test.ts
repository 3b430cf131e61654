import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SerialOrder } from '../../src/binary/serial-order';

interface M {
  seq?: number;
  ephemeral?: boolean;
  id: string;
}
const m = (seq: number): M => ({ seq, id: `m${seq}` });

/** Where the order's messages, fetches and losses go (the channel's side of the wire, in the client). */
interface SerialHost {
  deliver(message: M): void;
  fetch(fromSerial: number): void;
  lost(after: number, before?: number): void;
}

/** An order whose three hooks are `host`'s. */
class TestOrder extends SerialOrder<M> {
  constructor(
    private readonly host: SerialHost,
    serial?: number,
  ) {
    super(serial);
  }
  protected deliver(message: M): void {
    this.host.deliver(message);
  }
  protected fetch(fromSerial: number): void {
    this.host.fetch(fromSerial);
  }
  protected lost(after: number, before?: number): void {
    this.host.lost(after, before);
  }
}

function harness(start = 0) {
  const delivered: string[] = [];
  const fetches: number[] = [];
  const lost: [number, number | undefined][] = [];
  const host: SerialHost = {
    deliver: (message) => delivered.push(message.id),
    fetch: (from) => fetches.push(from),
    lost: (after, before) => lost.push([after, before]),
  };
  return { order: new TestOrder(host, start), delivered, fetches, lost };
}

describe('SerialOrder: channel serials in order, once', () => {
  it('the first serial is the baseline; the next ones go straight through; replays of delivered ones are dropped', () => {
    const { order, delivered, fetches } = harness();
    for (const seq of [5, 6, 7, 6, 5, 8]) order.accept(m(seq));
    expect(delivered).toEqual(['m5', 'm6', 'm7', 'm8']);
    expect(fetches).toEqual([]);
    expect(order.serial).toBe(8);
  });

  it('a gap holds what follows, fetches from the last serial, and delivers 5, 6, 7, 8 (the official client: 5, 6, 8, 7)', () => {
    const { order, delivered, fetches, lost } = harness();
    for (const seq of [5, 6, 8, 9]) order.accept(m(seq));
    expect(delivered).toEqual(['m5', 'm6']);
    expect(order.waiting).toBe(true);
    expect(fetches).toEqual([6]); // one fetch for the gap, not one per held message
    order.filled([m(7), m(8), m(9)], true);
    expect(delivered).toEqual(['m5', 'm6', 'm7', 'm8', 'm9']);
    expect(order.waiting).toBe(false);
    expect(lost).toEqual([]);
    expect(order.serial).toBe(9);
  });

  it('the missing message arriving live (or in a resume replay) ends the hold without the fetch', () => {
    const { order, delivered } = harness(4);
    for (const seq of [5, 7, 8, 6]) order.accept(m(seq));
    expect(delivered).toEqual(['m5', 'm6', 'm7', 'm8']);
    order.filled([m(6), m(7), m(8)], true);
    expect(delivered).toEqual(['m5', 'm6', 'm7', 'm8']);
  });

  it('what the service no longer has is reported lost, then the held messages go on', () => {
    const { order, delivered, lost } = harness(10);
    order.accept(m(14));
    order.accept(m(15));
    order.filled([], false);
    expect(lost).toEqual([[10, 14]]);
    expect(delivered).toEqual(['m14', 'm15']);
    // A full answer that still misses a serial: that one is lost too.
    order.accept(m(18));
    order.filled([m(16), m(18)], true);
    expect(lost).toEqual([
      [10, 14],
      [16, 18],
    ]);
    expect(delivered).toEqual(['m14', 'm15', 'm16', 'm18']);
  });

  it('a fetch the link took down keeps holding (the resume replays the gap); one refused gives up', () => {
    const { order, delivered, fetches, lost } = harness(1);
    order.accept(m(3));
    order.unfilled(false);
    expect(delivered).toEqual([]);
    order.accept(m(2)); // from the resume's replay
    expect(delivered).toEqual(['m2', 'm3']);
    order.accept(m(6));
    expect(fetches).toEqual([1, 3]);
    order.unfilled(true);
    expect(lost).toEqual([[3, 6]]);
    expect(delivered).toEqual(['m2', 'm3', 'm6']);
  });

  it('unsequenced and ephemeral messages pass straight through, even during a hold', () => {
    const { order, delivered } = harness(1);
    order.accept(m(3));
    order.accept({ id: 'live-only' });
    order.accept({ seq: 9, ephemeral: true, id: 'ephemeral' });
    expect(delivered).toEqual(['live-only', 'ephemeral']);
    expect(order.serial).toBe(1);
  });

  it('reset: held messages go to the app and the next serial is a new baseline', () => {
    const { order, delivered } = harness(1);
    order.accept(m(5));
    order.reset();
    expect(delivered).toEqual(['m5']);
    order.accept(m(40));
    expect(delivered).toEqual(['m5', 'm40']);
  });

  it('reset tells what was lost (up to the first held serial) before the held messages go on', () => {
    const delivered: string[] = [];
    const told: (number | undefined)[] = [];
    const order = new TestOrder(
      {
        deliver: (message) => delivered.push(message.id),
        fetch: () => undefined,
        lost: (after, before) => told.push(after, before, delivered.length),
      },
      1,
    );
    order.accept(m(5));
    order.reset(1);
    expect(told).toEqual([1, 5, 0]);
    expect(delivered).toEqual(['m5']);
  });

  it('refill asks again for a gap still open; abandon drops what is held, stops a delivery under way and starts over', () => {
    const delivered: string[] = [];
    const fetches: number[] = [];
    const order: SerialOrder<M> = new TestOrder(
      {
        deliver: (message) => {
          delivered.push(message.id);
          if (message.id === 'm3') order.abandon(); // the channel is left from a listener
        },
        fetch: (from) => fetches.push(from),
        lost: () => undefined,
      },
      1,
    );
    order.accept(m(3));
    order.accept(m(4));
    order.unfilled(false);
    order.refill();
    expect(fetches).toEqual([1, 1]);
    order.filled([m(2)], true);
    expect(delivered).toEqual(['m2', 'm3']); // m4 was held, and is dropped with the rest
    expect(order.serial).toBe(0); // started over
    order.accept(m(9));
    expect(delivered).toEqual(['m2', 'm3', 'm9']); // the next serial is a new baseline
    expect(fetches).toEqual([1, 1]);
  });

  it('property: any loss and duplication in the live stream, fetches answered late, delivers 1..N once in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.constantFrom('deliver', 'drop', 'twice'), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 60, maxLength: 60 }),
        (n, fate, lateness) => {
          const delivered: number[] = [];
          let published = 0;
          const pending: { from: number; answerAt: number }[] = [];
          const order: SerialOrder<M> = new TestOrder({
            deliver: (message) => delivered.push(message.seq!),
            fetch: (from) => pending.push({ from, answerAt: published + lateness[published % 60] }),
            lost: () => {
              throw new Error('nothing is lost: the service has everything');
            },
          });
          const answer = (all: boolean): void => {
            for (const request of pending.splice(0))
              if (all || request.answerAt <= published) {
                const missing = Array.from({ length: published - request.from }, (_, i) => m(request.from + 1 + i));
                order.filled(missing, true);
              } else pending.push(request);
          };
          // The first message is always seen (it is the baseline the subscription starts from).
          for (published = 1; published <= n; published++) {
            const f = published === 1 ? 'deliver' : fate[published - 1];
            if (f !== 'drop') order.accept(m(published));
            if (f === 'twice') order.accept(m(published));
            answer(false);
          }
          published = n;
          answer(true);
          // A trailing loss is seen only once a later message shows the gap: publish one more to reveal it.
          order.accept(m(n + 1));
          answer(true);
          expect(delivered).toEqual(Array.from({ length: n + 1 }, (_, i) => i + 1));
        },
      ),
      { numRuns: 2000, seed: 17 },
    );
  });
});
