import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SockrClient, sockrCalls } from '@polysocket/sockr';
import { LiveKitClientAdapter } from '@polysocket/react/livekit';
import { sockrUser, startWorld, type World } from '../support';
import { decodeFakeToken, fakeLiveKit, FakeRoom, resetFakeLiveKit } from './fake-livekit';

// LiveKitClientAdapter's event wiring against a scripted stand-in for livekit-client's Room (no LiveKit server runs
// in CI), and `joinConferenceWith` end to end through the mock server's fake SFU.

afterEach(resetFakeLiveKit);

function recorded(adapter: LiveKitClientAdapter): string[] {
  const seen: string[] = [];
  adapter.onParticipantConnected((id) => seen.push(`joined:${id}`));
  adapter.onParticipantDisconnected((id) => seen.push(`left:${id}`));
  adapter.onTrackSubscribed((track, id) => seen.push(`track:${id}:${(track as { id: string }).id}`));
  adapter.onTrackUnsubscribed((track, id) => seen.push(`untrack:${id}:${(track as { id: string }).id}`));
  adapter.onDisconnected(() => seen.push('disconnected'));
  return seen;
}

describe('LiveKitClientAdapter (scripted Room)', () => {
  it('loads livekit-client only on connect, listens before connecting, and reports who was already in the room', async () => {
    const load = vi.fn(async () => fakeLiveKit);
    const adapter = new LiveKitClientAdapter({ load, roomOptions: { adaptiveStream: true } });
    const seen = recorded(adapter); // before connect: sockr-client's adapter throws here
    expect(load).not.toHaveBeenCalled();
    FakeRoom.already = ['carol'];

    await adapter.connect('wss://sfu.example', 'tok', { audio: true, video: true });
    const room = FakeRoom.rooms[0];
    expect(load).toHaveBeenCalledTimes(1);
    expect(room.options).toEqual({ adaptiveStream: true });
    expect(room.connectedWith).toEqual({ url: 'wss://sfu.example', token: 'tok', options: { autoSubscribe: true } });
    // Every listener was on the room before `connect`.
    expect(room.log.indexOf('connect')).toBe(5);
    expect(room.log.slice(0, 5).every((entry) => entry.startsWith('on:'))).toBe(true);
    expect(room.log.slice(5)).toEqual(['connect', 'mic:true', 'camera:true']);
    // carol was there first: her track (announced during connect) and her presence, once.
    expect(seen).toEqual(['joined:carol', 'track:carol:carol-audio']);

    room.join('dan');
    room.emitTrack('trackSubscribed', 'dan');
    room.emitTrack('trackUnsubscribed', 'dan');
    room.leave('dan');
    expect(seen.slice(2)).toEqual(['joined:dan', 'track:dan:dan-audio', 'untrack:dan:dan-audio', 'left:dan']);

    await adapter.disconnect();
    expect(seen.at(-1)).toBe('disconnected');
    expect(room.listenerTotal(), 'no listener left on the room').toBe(0);
    expect(adapter.currentRoom).toBeUndefined();
  });

  it('publishes the microphone only by default; a failed connect leaves no listener; the SFU dropping us is onDisconnected', async () => {
    const adapter = new LiveKitClientAdapter({ load: async () => fakeLiveKit });
    const seen = recorded(adapter);
    FakeRoom.failNext = new Error('could not establish signal connection');
    await expect(adapter.connect('wss://sfu.example', 'tok')).rejects.toThrow('signal connection');
    expect(FakeRoom.rooms[0].listenerTotal()).toBe(0);
    await expect(adapter.publishTracks({ audio: true })).rejects.toThrow('connect() first');

    await adapter.connect('wss://sfu.example', 'tok');
    const room = FakeRoom.rooms[1];
    expect(room.log.filter((entry) => !entry.startsWith('on:'))).toEqual(['connect', 'mic:true']);
    room.emit('disconnected');
    expect(seen).toEqual(['disconnected']);
    expect(room.listenerTotal()).toBe(0);
  });
});

describe('LiveKitClientAdapter with the real livekit-client (2.23.0, a devDependency)', () => {
  it('its event names are the ones the adapter falls back to', async () => {
    const { RoomEvent } = await import('livekit-client');
    expect({
      TrackSubscribed: RoomEvent.TrackSubscribed,
      TrackUnsubscribed: RoomEvent.TrackUnsubscribed,
      ParticipantConnected: RoomEvent.ParticipantConnected,
      ParticipantDisconnected: RoomEvent.ParticipantDisconnected,
      Disconnected: RoomEvent.Disconnected,
    }).toEqual(fakeLiveKit.RoomEvent);
  });

  it('without `load`, connect imports livekit-client (ESM `import()`) and runs its Room: in jsdom, LiveKit’s own refusal', async () => {
    const adapter = new LiveKitClientAdapter();
    await expect(adapter.connect('ws://127.0.0.1:9', 'tok')).rejects.toThrow("LiveKit doesn't seem to be supported");
    expect(adapter.currentRoom).toBeUndefined();
  });
});

describe('joinConferenceWith through the mock server’s fake SFU', () => {
  let world: World;
  const clients: SockrClient[] = [];
  beforeEach(async () => {
    world = await startWorld();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await world.close();
  });
  const user = (userId: string): Promise<SockrClient> => sockrUser(world, userId, clients, { calls: sockrCalls });

  it('gets the token from the server and connects the adapter with it; the server counts both users', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const group = await alice.createGroup('team', ['bob']);
    await bob.joinGroup(group.id);

    const aliceAdapter = new LiveKitClientAdapter({ load: async () => fakeLiveKit });
    await alice.joinConferenceWith(aliceAdapter, group.id);
    const aliceRoom = FakeRoom.rooms[0];
    expect(aliceRoom.connectedWith?.url).toBe('wss://sfu.mock.invalid');
    expect(decodeFakeToken(aliceRoom.connectedWith!.token)).toMatchObject({ room: group.id, identity: 'alice' });

    const bobAdapter = new LiveKitClientAdapter({ load: async () => fakeLiveKit });
    await bob.joinConferenceWith(bobAdapter, group.id, { audio: false });
    expect(decodeFakeToken(FakeRoom.rooms[1].connectedWith!.token)).toMatchObject({ room: group.id, identity: 'bob' });
    expect(FakeRoom.rooms[1].log).not.toContain('mic:true');
    expect([...world.sockr.conferences.get(group.id)!.participants.keys()]).toEqual(['alice', 'bob']);
    await aliceAdapter.disconnect();
    await bobAdapter.disconnect();
  });

  it('a join the server refuses rejects, and the adapter is never loaded', async () => {
    const alice = await user('alice');
    const load = vi.fn(async () => fakeLiveKit);
    await expect(alice.joinConferenceWith(new LiveKitClientAdapter({ load }), 'no-such-group')).rejects.toThrow(
      'Not a member',
    );
    expect(load).not.toHaveBeenCalled();
  });
});
