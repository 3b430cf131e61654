import { afterEach, describe, expect, it } from 'vitest';
import { foonyPresence, type FoonyClient, type FoonyMessage } from '@polysocket/foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';
import { settle } from '../helpers/memory-foony';

const clients: FoonyClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function connected(server: MemoryFoonyBinary, channel = 'room') {
  const client = server.client();
  clients.push(client);
  await client.connect();
  const got: FoonyMessage[] = [];
  const gaps: { after: number; before?: number }[] = [];
  const ch = client.channel(channel);
  ch.subscribe((m) => got.push(m));
  ch.on('discontinuity', (gap) => gaps.push(gap));
  await settle();
  return { client, ch, got, gaps, seqs: () => got.map((m) => m.seq) };
}

describe('FoonyClient on the binary wire (foonyBinaryWire)', () => {
  it('subscribes, publishes with a client message id, and delivers with serials', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, got } = await connected(server);
    expect(server.framesOf('sub')).toMatchObject([{ channel: 'room' }]);
    expect(server.framesOf('sub')[0].lastSerial).toBeUndefined();
    await ch.publish('chat', { text: 'hi' });
    server.publish('room', 'other', 2);
    await settle();
    expect(got.map((m) => [m.name, m.seq])).toEqual([
      ['chat', 1],
      ['other', 2],
    ]);
    expect(server.framesOf('pub')[0].messageId).toMatch(/^[0-9a-z]+-[0-9a-z]+-[0-9a-z]+$/);
  });

  it('a gap is fetched and filled before what follows it: 1, 2, 3, 4 in order (the official client: 1, 2, 4, 3)', async () => {
    const server = new MemoryFoonyBinary();
    const { seqs, gaps } = await connected(server);
    server.skipLive.add(3);
    for (let n = 1; n <= 5; n++) server.publish('room', 'n', n);
    await settle();
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(server.framesOf('fetch')).toMatchObject([{ channel: 'room', fromSerial: 2 }]);
    expect(gaps).toEqual([]);
  });

  it('resumes after a drop from the last serial, once; the auth resumes the connectionId', async () => {
    const server = new MemoryFoonyBinary();
    const { client, seqs } = await connected(server);
    server.publish('room', 'n', 1);
    await settle();
    server.drop();
    await settle();
    server.publish('room', 'n', 2); // while down: stored, not delivered
    await client.connect();
    await settle();
    expect(seqs()).toEqual([1, 2]);
    expect(server.framesOf('sub').map((f) => f.lastSerial)).toEqual([undefined, 1]);
    expect(server.framesOf('auth').map((f) => f.resumeConnectionId)).toEqual([undefined, 'c1']);
    expect(client.cursors.get('room')).toBe('2');
  });

  it('a publish in flight at a drop is resent with the same message id and stored once (exactly once)', async () => {
    const server = new MemoryFoonyBinary();
    const { client, ch, seqs } = await connected(server);
    server.holdAcks = true;
    const published = ch.publish('chat', 'once');
    await settle();
    server.holdAcks = false;
    server.drop();
    await client.connect();
    await published;
    await settle();
    const pubs = server.framesOf('pub');
    expect(pubs).toHaveLength(2);
    expect(pubs[1].messageId).toBe(pubs[0].messageId);
    expect(server.channels.get('room')).toHaveLength(1);
    expect(seqs()).toEqual([1]);
  });

  it('a resume past retention is a discontinuity; a gap the service no longer has too', async () => {
    const server = new MemoryFoonyBinary();
    const { client, seqs, gaps } = await connected(server);
    server.publish('room', 'n', 1);
    await settle();
    server.drop();
    await settle();
    for (let n = 2; n <= 4; n++) server.publish('room', 'n', n);
    server.retainFrom = 4;
    await client.connect();
    await settle();
    expect(gaps).toEqual([{ after: 1 }]);
    server.publish('room', 'n', 5);
    await settle();
    expect(seqs()).toEqual([1, 5]);
    // Live loss of a serial already past retention: reported, then the stream goes on.
    server.skipLive.add(6);
    server.retainFrom = 7;
    server.publish('room', 'n', 6);
    server.publish('room', 'n', 7);
    await settle();
    expect(seqs()).toEqual([1, 5, 7]);
    expect(gaps).toEqual([{ after: 1 }, { after: 5, before: 7 }]);
  });

  it('a gap partly past retention: the lost part is told, then what the service still has, in order (the official client drops it)', async () => {
    const server = new MemoryFoonyBinary();
    const { seqs, gaps } = await connected(server);
    server.publish('room', 'n', 1);
    await settle();
    // 2 and 3 never arrive live; 2 is already gone when the gap is fetched, 3 is still stored.
    server.skipLive.add(2);
    server.skipLive.add(3);
    server.retainFrom = 3;
    for (let n = 2; n <= 5; n++) server.publish('room', 'n', n);
    await settle();
    expect(server.framesOf('fetch')).toMatchObject([{ channel: 'room', fromSerial: 1 }]);
    expect(gaps).toEqual([{ after: 1, before: 3 }]);
    expect(seqs()).toEqual([1, 3, 4, 5]);
  });

  it('a fetch answered with something else gives the gap up (reported), the stream goes on, nothing throws', async () => {
    const server = new MemoryFoonyBinary();
    server.fetchAnsweredWithAck = true;
    const { client, seqs, gaps } = await connected(server);
    const errors: unknown[] = [];
    client.on('error', (e) => errors.push(e));
    server.skipLive.add(2);
    for (let n = 1; n <= 3; n++) server.publish('room', 'n', n);
    await settle();
    expect(seqs()).toEqual([1, 3]);
    expect(gaps).toEqual([{ after: 1, before: 3 }]);
    expect(client.state).toBe('connected');
  });

  it('close() in a listener stops the rest of a coalesced message: no later record is delivered or moves the cursor', async () => {
    const server = new MemoryFoonyBinary();
    const { client, ch } = await connected(server);
    const seen: unknown[] = [];
    ch.subscribe((m) => {
      seen.push(m.data);
      if (m.data === 2) client.close();
    });
    server.publishCoalesced('room', [1, 2, 3]);
    await settle();
    expect(seen).toEqual([1, 2]);
    expect(client.cursors.get('room')).toBe('2');
  });

  it('a client batch arrives as its messages in order, with ids of their own, the cursor moved once', async () => {
    const server = new MemoryFoonyBinary();
    const { client, got } = await connected(server);
    server.publish('room', '', undefined, {
      messageId: 'b1',
      messages: [
        { name: 'a', data: 1 },
        { name: 'b', data: 2 },
      ],
    });
    server.publish('room', 'c', 3);
    await settle();
    expect(got.map((m) => [m.name, m.data, m.messageId, m.seq])).toEqual([
      ['a', 1, 'b1:0', 1],
      ['b', 2, 'b1:1', 1],
      ['c', 3, 'x2', 2],
    ]);
    expect(client.cursors.get('room')).toBe('2');
  });

  it('an ephemeral publish is flagged on the wire', async () => {
    const server = new MemoryFoonyBinary();
    const { ch } = await connected(server);
    await ch.publish('typing', true, { ephemeral: true });
    await ch.publish('chat', 'kept');
    expect(server.framesOf('pub').map((f) => f.ephemeral ?? false)).toEqual([true, false]);
  });

  it('history pages back by serial', async () => {
    const server = new MemoryFoonyBinary();
    const { ch } = await connected(server);
    for (let n = 1; n <= 5; n++) server.publish('room', 'n', n);
    const pages: number[][] = [];
    for await (const page of ch.historyPages({ limit: 2 })) pages.push(page.map((m) => (m as FoonyMessage).seq!));
    expect(pages).toEqual([[4, 5], [2, 3], [1]]);
    expect(server.framesOf('hist').map((f) => f.before ?? 0)).toEqual([0, 4, 2]);
  });

  it('presence is opt-in on this wire: with the presence module a subscribe also sends presSub, and again on resume', async () => {
    const server = new MemoryFoonyBinary();
    const client = server.client({ presence: foonyPresence });
    clients.push(client);
    await client.connect();
    const ch = client.channel('room');
    ch.subscribe(() => undefined);
    await settle();
    expect(server.framesOf('presSub')).toMatchObject([{ channel: 'room' }]);
    expect(ch.state).toBe('attached');
    server.drop();
    await settle();
    await client.connect();
    await settle();
    expect(server.framesOf('presSub')).toHaveLength(2);
    // Without the module: no presence subscription.
    const plain = server.client();
    clients.push(plain);
    await plain.connect();
    plain.channel('other').subscribe(() => undefined);
    await settle();
    expect(server.framesOf('presSub').map((f) => f.channel)).toEqual(['room', 'room']);
  });

  describe('what a fresh-eyes review found', () => {
    const msg = (channel: string, seq: number, extra: object = {}) =>
      ({ t: 'msg', channel, name: 'n', data: seq, timestamp: 1, messageId: `id${seq}`, seq, ...extra }) as never;

    it('a fetchRes about another channel fills nothing: an error, the gap given up, nothing foreign delivered', async () => {
      const server = new MemoryFoonyBinary();
      server.override = (f) =>
        f.t === 'fetch'
          ? ({ t: 'fetchRes', id: f.id, channel: 'other', messages: [msg('other', 2)], resumed: true } as never)
          : undefined;
      const { ch, seqs, gaps } = await connected(server);
      const errors: unknown[] = [];
      ch.on('error', (e) => errors.push(e));
      server.skipLive.add(2);
      for (let n = 1; n <= 3; n++) server.publish('room', 'n', n);
      await settle();
      expect(seqs()).toEqual([1, 3]);
      expect(gaps).toEqual([{ after: 1, before: 3 }]);
      expect(errors).toMatchObject([{ code: 'PROTOCOL' }]);
    });

    it('a fetch answered after unsubscribe() touches neither the next subscription nor its cursor', async () => {
      const server = new MemoryFoonyBinary();
      let pending: number | undefined;
      server.override = (f) => (f.t === 'fetch' ? ((pending = f.id as number), 'none') : undefined);
      const { client, ch, seqs } = await connected(server);
      server.skipLive.add(2);
      for (let n = 1; n <= 3; n++) server.publish('room', 'n', n);
      await settle();
      await ch.unsubscribe();
      server.send({
        t: 'fetchRes',
        id: pending!,
        channel: 'room',
        messages: [msg('room', 2), msg('room', 3)],
        resumed: true,
      } as never);
      await settle();
      ch.subscribe(() => undefined);
      await settle();
      expect(seqs()).toEqual([1]);
      expect(server.framesOf('sub').at(-1)!.lastSerial).toBeUndefined();
      expect(client.cursors.get('room')).toBeUndefined();
    });

    it('history gives a batch as its messages, with the ids live delivery gives them; start is INVALID on this wire', async () => {
      const server = new MemoryFoonyBinary();
      const { ch } = await connected(server);
      server.publish('room', '', undefined, {
        messageId: 'b1',
        messages: [
          { name: 'a', data: 1 },
          { name: 'b', data: 2 },
        ],
      });
      const page = await ch.history();
      expect(page.messages.map((m) => [m.name, m.messageId, (m as FoonyMessage).seq])).toEqual([
        ['a', 'b1:0', 1],
        ['b', 'b1:1', 1],
      ]);
      await expect(ch.history({ start: 'x' })).rejects.toMatchObject({ code: 'INVALID' });
    });

    it('history answered with an ack is a PROTOCOL error, not a page of undefined', async () => {
      const server = new MemoryFoonyBinary();
      server.override = (f) => (f.t === 'hist' ? ({ t: 'ack', id: f.id } as never) : undefined);
      const { ch } = await connected(server);
      await expect(ch.history()).rejects.toMatchObject({ code: 'PROTOCOL' });
    });

    it('an unsequenced message sent twice is delivered once; an ephemeral publish is not resent', async () => {
      const server = new MemoryFoonyBinary();
      const { client, ch, got } = await connected(server);
      for (let i = 0; i < 3; i++)
        server.send({
          t: 'msg',
          channel: 'room',
          name: 'u',
          data: 0,
          timestamp: 1,
          messageId: 'u1',
          clientId: 'x',
        } as never);
      await settle();
      expect(got.map((m) => m.messageId)).toEqual(['u1']);
      server.holdAcks = true;
      const typing = ch.publish('typing', true, { ephemeral: true });
      await settle();
      server.holdAcks = false;
      server.drop();
      await expect(typing).rejects.toMatchObject({ code: 'DISCONNECTED', maybeDelivered: true });
      await client.connect();
      await settle();
      expect(server.framesOf('pub').filter((f) => f.name === 'typing')).toHaveLength(1);
    });

    it('a resume past retention tells the loss (up to what is held) before the held messages', async () => {
      const server = new MemoryFoonyBinary();
      const client = server.client();
      clients.push(client);
      await client.connect();
      const ch = client.channel('room');
      const seen: string[] = [];
      ch.subscribe((m) => seen.push(`m${m.seq}`));
      ch.on('discontinuity', (g) => seen.push(`gap ${g.after}..${g.before ?? '?'}`));
      await settle();
      server.publish('room', 'n', 1);
      server.skipLive.add(2);
      server.override = (f) => (f.t === 'fetch' ? 'none' : undefined);
      server.publish('room', 'n', 2);
      server.publish('room', 'n', 3); // held: 2 is missing
      await settle();
      server.override = undefined;
      server.retainFrom = 10;
      server.drop();
      await settle();
      await client.connect();
      await settle();
      expect(seen).toEqual(['m1', 'gap 1..3', 'm3']);
    });

    it('a resume whose replay does not reach what is held asks again; a cursor of the seed wire is a discontinuity', async () => {
      const server = new MemoryFoonyBinary();
      const { client, seqs } = await connected(server);
      server.publish('room', 'n', 1);
      server.skipLive.add(2);
      server.override = (f) => (f.t === 'fetch' ? 'none' : undefined);
      server.publish('room', 'n', 2);
      server.publish('room', 'n', 3);
      await settle();
      // The resume replays nothing (a server that lost track): the held gap is asked for again.
      server.override = (f) => (f.t === 'sub' ? ({ t: 'ack', id: f.id, resumed: true } as never) : undefined);
      server.drop();
      await settle();
      await client.connect();
      await settle();
      expect(seqs()).toEqual([1, 2, 3]);
      expect(server.framesOf('fetch')).toHaveLength(2);

      const persisted = new MemoryFoonyBinary();
      const fresh = persisted.client();
      clients.push(fresh);
      fresh.cursors.set('room', 'm0000000002'); // a seed-wire messageId cursor
      await fresh.connect();
      const gaps: unknown[] = [];
      const room = fresh.channel('room');
      room.on('discontinuity', (g) => gaps.push(g));
      room.subscribe(() => undefined);
      await settle();
      expect(gaps).toEqual([{ after: 0 }]);
      expect(persisted.framesOf('sub')[0].lastSerial).toBeUndefined();
    });
  });
});
