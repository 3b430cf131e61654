import { Cipher } from '@foony/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolySocketError } from '@polysocket/core';
import { foonyCipher, type FoonyClient, type FoonyMessage } from '@polysocket/foony';
import { MemoryFoonyBinary } from '../helpers/memory-binary';
import { MemoryFoony, settle } from '../helpers/memory-foony';
import { waitFor } from '../../../../test/support/wait';

const clients: FoonyClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function subscribed(server: MemoryFoonyBinary, options = {}) {
  const client = server.client(options);
  clients.push(client);
  const errors: PolySocketError[] = [];
  client.on('error', (e) => errors.push(e));
  await client.connect();
  const ch = client.channel('room');
  const got: FoonyMessage[] = [];
  ch.subscribe((m) => got.push(m));
  await waitFor(() => ch.state === 'attached', 'attached');
  return { client, ch, got, errors };
}

describe('FoonyChannel.publishBatch (binary wire)', () => {
  it('one pub with the messages, stored once with one serial, delivered as its messages in order', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, got } = await subscribed(server);
    await ch.publishBatch([{ name: 'a', data: { n: 1 } }, { name: 'b' }, { name: 'c', data: 'three' }]);
    const pubs = server.framesOf('pub') as { name: string; messages?: unknown[]; messageId: string }[];
    expect(pubs).toHaveLength(1);
    expect(pubs[0].name).toBe('');
    expect(pubs[0].messages).toEqual([
      { name: 'a', data: { n: 1 } },
      { name: 'b', data: null },
      { name: 'c', data: 'three' },
    ]);
    expect(server.channels.get('room')).toHaveLength(1);
    await waitFor(() => got.length === 3, 'three messages');
    const id = pubs[0].messageId;
    expect(got.map((m) => [m.name, m.data, m.seq, m.messageId])).toEqual([
      ['a', { n: 1 }, 1, `${id}:0`],
      ['b', null, 1, `${id}:1`],
      ['c', 'three', 1, `${id}:2`],
    ]);
  });

  it('a batch in flight at a drop is resent with the same message id and stored once', async () => {
    const server = new MemoryFoonyBinary();
    const { client, ch, got } = await subscribed(server);
    server.holdAcks = true;
    const published = ch.publishBatch([
      { name: 'a', data: 1 },
      { name: 'b', data: 2 },
    ]);
    await settle();
    server.holdAcks = false;
    server.drop();
    await client.connect();
    await published;
    await settle();
    const pubs = server.framesOf('pub') as { messageId: string }[];
    expect(pubs).toHaveLength(2);
    expect(pubs[1].messageId).toBe(pubs[0].messageId);
    expect(server.channels.get('room')).toHaveLength(1);
    expect(got.map((m) => m.data)).toEqual([1, 2]);
  });

  it('INVALID for an empty list, a message without a string name, or not a list; nothing is sent', async () => {
    const server = new MemoryFoonyBinary();
    const { ch, errors } = await subscribed(server);
    for (const bad of [[], [{ name: 1 }], [{ name: 'a' }, {}], [null], 'a', undefined] as never[])
      await expect(ch.publishBatch(bad)).rejects.toMatchObject({ code: 'INVALID' });
    expect(server.framesOf('pub')).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID', 'INVALID']);
  });

  it('on the seed wire: INVALID saying to drop the seed wire, nothing sent', async () => {
    const server = new MemoryFoony();
    const client = server.client();
    clients.push(client);
    await client.connect();
    const ch = client.channel('room');
    await expect(ch.publishBatch([{ name: 'a', data: 1 }])).rejects.toMatchObject({
      code: 'INVALID',
      message: 'publishBatch needs the binary wire (the default): drop wire: foonySeedWire',
    });
    expect(server.received.filter((f) => f.t === 'pub')).toEqual([]);
  });

  it('with foonyCipher: each message sealed (the official Cipher opens each), delivered opened', async () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i + 7);
    const server = new MemoryFoonyBinary();
    const { ch, got } = await subscribed(server, { cipher: foonyCipher({ key }) });
    await ch.publishBatch([
      { name: 'a', data: { secret: 'first plaintext' } },
      { name: 'b', data: 'second plaintext' },
    ]);
    const pub = server.framesOf('pub')[0] as unknown as {
      messages: { name: string; data: unknown; encoding?: string }[];
    };
    expect(JSON.stringify(pub)).not.toContain('plaintext');
    const theirs = new Cipher({ key });
    expect(
      await Promise.all(pub.messages.map((part) => theirs.decrypt(part.encoding as string, part.data as string))),
    ).toEqual([{ secret: 'first plaintext' }, 'second plaintext']);
    await waitFor(() => got.length === 2, 'two messages');
    expect(got.map((m) => [m.name, m.data, m.encoding])).toEqual([
      ['a', { secret: 'first plaintext' }, undefined],
      ['b', 'second plaintext', undefined],
    ]);
  });
});
