// Our FoonyClient on the binary wire (foonyBinaryWire) against the mock's binary wire over real sockets, next to the
// official @foony/realtime 0.16 client: the scenario the official client passes in the mock's interop tests.
import { type Realtime, type MessageFrame } from '@foony/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { foonyBinaryWire, type FoonyMessage } from '@polysocket/foony';
import { gapAndResume } from '../helpers/gap-and-resume';
import { officialClient } from '../helpers/official';
import { foonyWorld, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
let official: Realtime | undefined;
afterEach(async () => {
  await official?.close();
  official = undefined;
  await world?.close();
});

const binary = (w: FoonyWorld, clientId: string) => w.client({ token: `user:${clientId}`, wire: foonyBinaryWire });
const line = (m: { clientId?: string; name: string; data: unknown }): string =>
  `${m.clientId ?? 'server'}:${m.name}:${JSON.stringify(m.data)}`;

describe('FoonyClient on the binary wire, against the mock and beside the official client', () => {
  it('ours and the official client on one channel see each other’s messages once, in order, with serials', async () => {
    world = await foonyWorld();
    const ours = binary(world, 'ann');
    official = officialClient(world.url, 'bob');
    await ours.connect();
    const ourChat = ours.channel('chat');
    const theirChat = official.channels.get('chat');
    const atOurs: FoonyMessage[] = [];
    const atTheirs: string[] = [];
    ourChat.subscribe((m) => atOurs.push(m));
    theirChat.subscribe((m: MessageFrame) => atTheirs.push(line(m)));
    await theirChat.attach();
    await waitFor(() => ourChat.state === 'attached', 'our channel attached');

    await ourChat.publish('hi', 'from ours');
    await theirChat.publish('hi', 'from theirs');
    await theirChat.publish([
      { name: 'a', data: 1 },
      { name: 'b', data: 2 },
    ]);
    await ourChat.publish('typing', true, { ephemeral: true });
    await ourChat.publishBatch([
      { name: 'c', data: 3 },
      { name: 'd', data: 4 },
    ]);
    world.foony.publish('chat', 'end', 0);
    const expected = [
      'ann:hi:"from ours"',
      'bob:hi:"from theirs"',
      'bob:a:1',
      'bob:b:2',
      'ann:typing:true',
      'ann:c:3',
      'ann:d:4',
      'server:end:0',
    ];
    await waitFor(() => atOurs.length >= 8 && atTheirs.length >= 8, 'every message at both clients');
    expect(atOurs.map(line)).toEqual(expected);
    expect(atTheirs).toEqual(expected);
    // Serials: one per stored message (each batch is one), none for the ephemeral one.
    expect(atOurs.map((m) => m.seq)).toEqual([1, 2, 3, 3, undefined, 4, 4, 5]);
    expect(ours.cursors.get('chat')).toBe('5');
    expect(world.foony.historyOf('chat').map((m) => m.serial)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a gap is filled by fetch before what follows it; a drop resumes from the serial, once, keeping presence', async () => {
    world = await foonyWorld();
    const ours = binary(world, 'ann');
    await gapAndResume(world, ours, binary(world, 'eve'), () =>
      world.foony.connectionOf(ours.session!.connectionId)!.drop(),
    );
  });

  it('the gap-fill order test the official client fails: ours delivers 1, 2, 3, 4, 5; theirs the gapped one first', async () => {
    world = await foonyWorld();
    const ours = binary(world, 'ann');
    official = officialClient(world.url, 'bob');
    await ours.connect();
    const oursSeen: number[] = [];
    const theirsSeen: number[] = [];
    const ourChannel = ours.channel('gappy');
    ourChannel.subscribe((m) => oursSeen.push(m.seq!));
    const theirChannel = official.channels.get('gappy');
    theirChannel.subscribe((m: MessageFrame) => theirsSeen.push(m.seq!));
    await theirChannel.attach();
    await waitFor(() => ourChannel.state === 'attached', 'attached');
    world.foony.publish('gappy', 'n', 1);
    await waitFor(() => oursSeen.length === 1 && theirsSeen.length === 1, 'the baseline');
    world.foony.dropLive('gappy', [2, 3]);
    for (let n = 2; n <= 5; n++) world.foony.publish('gappy', 'n', n);
    await waitFor(() => oursSeen.length === 5 && theirsSeen.length === 5, 'the gap filled at both');
    const inOrder = (seqs: number[]): boolean => seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] + 1);
    expect(oursSeen).toEqual([1, 2, 3, 4, 5]);
    expect(inOrder(oursSeen)).toBe(true);
    // Each once, but not in order: the official client delivers what came after the gap before the gap.
    expect([...theirsSeen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(inOrder(theirsSeen)).toBe(false);
  });

  it('a publish whose ack is lost to a drop, twice, is resent with its message id and stored once', async () => {
    world = await foonyWorld();
    const ours = binary(world, 'ann');
    await ours.connect();
    const chat = ours.channel('chat');
    const got: FoonyMessage[] = [];
    chat.subscribe((m) => got.push(m));
    await waitFor(() => chat.state === 'attached', 'attached');
    world.foony.dropBeforeAck('chat', 2);
    await chat.publish('once', 1);
    await waitFor(() => got.length === 1, 'delivered');
    expect(world.foony.historyOf('chat')).toHaveLength(1);
    expect(world.foony.requestsFor('chat')).toMatchObject({ pub: 3, resent: 2 });
    await chat.publish('after', 2);
    await waitFor(() => got.length === 2, 'the next one');
    expect(got.map((m) => [m.name, m.seq])).toEqual([
      ['once', 1],
      ['after', 2],
    ]);
  });

  it('close() tells the others this client left at once (not after the resume grace); connect() enters again', async () => {
    world = await foonyWorld({ resumeGraceMs: 60_000 });
    const ann = binary(world, 'ann');
    const bob = binary(world, 'bob');
    await Promise.all([ann.connect(), bob.connect()]);
    const seen: string[] = [];
    bob.channel('room').presence.subscribe(({ action, member }) => seen.push(`${action} ${member.clientId}`));
    await ann.channel('room').presence.enter({ mood: 'ok' });
    await waitFor(() => seen.includes('enter ann'), 'bob sees ann enter');
    const errors: unknown[] = [];
    ann.on('error', (error) => errors.push(error));
    ann.close();
    await waitFor(() => seen.includes('leave ann'), 'bob sees ann leave', 2000);
    expect(errors).toEqual([]);
    await ann.connect();
    await waitFor(() => seen.filter((s) => s === 'enter ann').length === 2, 'ann is back', 2000);
    expect(seen).toEqual(['enter ann', 'leave ann', 'enter ann']);
  });

  it('history pages back by serial', async () => {
    world = await foonyWorld();
    const ours = binary(world, 'ann');
    await ours.connect();
    for (let n = 1; n <= 5; n++) world.foony.publish('chat', 'n', n);
    const pages: number[][] = [];
    for await (const page of ours.channel('chat').historyPages({ limit: 2 }))
      pages.push(page.map((m) => (m as FoonyMessage).seq!));
    expect(pages).toEqual([[4, 5], [2, 3], [1]]);
  });
});
