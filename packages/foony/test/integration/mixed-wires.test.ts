// Our JSON-wire FoonyClient and the official @foony/realtime 0.16 client (binary wire) on one channel of the mock.
import { type Realtime, type MessageFrame, type PresenceEventFrame } from '@foony/realtime';
import { afterEach, describe, expect, it } from 'vitest';
import { foonySeedWire, type FoonyMessage, type PresenceChange } from '@polysocket/foony';
import { officialClient } from '../helpers/official';
import { foonyWorld, waitFor, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
let official: Realtime | undefined;
afterEach(async () => {
  await official?.close();
  official = undefined;
  await world?.close();
});

function officialOn(url: string, clientId: string): Realtime {
  return (official = officialClient(url, clientId));
}

describe('a JSON-wire FoonyClient and the official binary client on one mock channel', () => {
  it('see each other’s messages once, and each other’s presence', async () => {
    world = await foonyWorld();
    const ours = world.client({ token: 'user:json-ann', wire: foonySeedWire });
    const theirs = officialOn(world.url, 'bin-bob');
    await ours.connect();
    const ourChat = ours.channel('chat');
    const theirChat = theirs.channels.get('chat');
    const atOurs: string[] = [];
    const atTheirs: string[] = [];
    ourChat.subscribe((m: FoonyMessage) => atOurs.push(`${m.clientId ?? 'server'}:${m.name}:${String(m.data)}`));
    theirChat.subscribe((m: MessageFrame) => atTheirs.push(`${m.clientId ?? 'server'}:${m.name}:${String(m.data)}`));
    await theirChat.attach();
    await waitFor(() => ourChat.state === 'attached', 'our channel attached');

    await ourChat.publish('hi', 'from json');
    await theirChat.publish('hi', 'from binary'); // a batch of one on the binary wire
    await theirChat.publish([
      { name: 'a', data: 1 },
      { name: 'b', data: 2 },
    ]);
    world.foony.publish('chat', 'end', 0); // after everything above on both connections
    const expected = ['json-ann:hi:from json', 'bin-bob:hi:from binary', 'bin-bob:a:1', 'bin-bob:b:2', 'server:end:0'];
    await waitFor(() => atOurs.length >= 5 && atTheirs.length >= 5, 'every message at both clients');
    expect(atOurs).toEqual(expected);
    expect(atTheirs).toEqual(expected);
    expect(world.foony.historyOf('chat').map((m) => m.serial)).toEqual([1, 2, 3, 4]);
    expect(
      world.foony
        .sessionList()
        .map((s) => s.wire)
        .sort(),
    ).toEqual(['binary', 'json']);

    // Presence across the wires: the JSON subscriber sees the binary client enter; the binary watcher sees ours.
    const ourView: PresenceChange[] = [];
    ourChat.presence.subscribe((c) => ourView.push(c));
    const theirView: string[] = [];
    theirChat.presence.on((e: PresenceEventFrame) => theirView.push(`${e.action}:${e.clientId}`));
    await theirChat.presence.enter({ bin: true });
    await ourChat.presence.enter({ json: true });
    await waitFor(
      () => ourView.some((c) => c.member.clientId === 'bin-bob') && theirView.includes('enter:json-ann'),
      'both enters seen across the wires',
    );
    expect(ourView.find((c) => c.member.clientId === 'bin-bob')).toMatchObject({
      action: 'enter',
      member: { data: { bin: true } },
    });
  });
});
