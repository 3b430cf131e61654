import { act, cleanup, render, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type SockrClient, sockrCalls, type ISFUClientAdapter } from '@polysocket/sockr';
import { LiveKitClientAdapter } from '@polysocket/react/livekit';
import { useConferenceCall, type ConferenceCallView } from '@polysocket/react/sockr';
import { sockrUser, startWorld, type World } from '../support';
import { fakeLiveKit, FakeRoom, resetFakeLiveKit } from './fake-livekit';

// useConferenceCall against the mock server over real sockets (its fake SFU hands out the tokens), with
// LiveKitClientAdapter on the scripted Room stand-in (no LiveKit server runs in CI).

let world: World;
const clients: SockrClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  resetFakeLiveKit();
  for (const client of clients.splice(0)) client.close();
  await world.close();
});

const user = (userId: string): Promise<SockrClient> => sockrUser(world, userId, clients, { calls: sockrCalls });

/** Renders the hook; `view()` is its latest render. */
function mount(client: SockrClient, adapter: ISFUClientAdapter, strict = false) {
  let latest: ConferenceCallView | undefined;
  const tracks: string[] = [];
  function Conference(): React.ReactNode {
    latest = useConferenceCall({ adapter, client });
    return null;
  }
  const result = render(
    strict ? (
      <StrictMode>
        <Conference />
      </StrictMode>
    ) : (
      <Conference />
    ),
  );
  const view = (): ConferenceCallView => latest!;
  view().onRemoteTrack((track, participantId) => tracks.push(`${participantId}:${(track as { id: string }).id}`));
  return { view, tracks, unmount: result.unmount };
}

const ids = (view: ConferenceCallView): string[] => view.participants.map((p) => p.userId);
const livekit = (): LiveKitClientAdapter => new LiveKitClientAdapter({ load: async () => fakeLiveKit });

async function team(): Promise<{ alice: SockrClient; bob: SockrClient; groupId: string }> {
  const alice = await user('alice');
  const bob = await user('bob');
  const group = await alice.createGroup('team', ['bob']);
  await bob.joinGroup(group.id);
  return { alice, bob, groupId: group.id };
}

describe('useConferenceCall', () => {
  it('joins with the server’s token, has self in participants, follows who joins and leaves, and leaves', async () => {
    const { alice, bob, groupId } = await team();
    const { view, tracks } = mount(alice, livekit(), true);
    expect(view().conferenceState).toBe('idle');

    await act(() => view().joinConference(groupId));
    expect(view().conferenceState).toBe('active');
    expect(view().activeGroupId).toBe(groupId);
    expect(ids(view()), 'self is a participant (sockr-client leaves self out)').toEqual(['alice']);
    expect(FakeRoom.rooms).toHaveLength(1); // StrictMode: one adapter connection
    const room = FakeRoom.rooms[0];

    // bob joins: the server says so (conference_participant_joined), and so does the SFU.
    await bob.joinConferenceWith(livekit(), groupId);
    await waitFor(() => expect(ids(view())).toEqual(['alice', 'bob']));
    act(() => {
      room.join('bob');
      room.emitTrack('trackSubscribed', 'bob');
    });
    expect(ids(view())).toEqual(['alice', 'bob']);
    expect(tracks).toEqual(['bob:bob-audio']);

    bob.leaveConference(groupId);
    await waitFor(() => expect(ids(view())).toEqual(['alice']));

    act(() => view().leaveConference());
    expect(view().conferenceState).toBe('ended');
    expect(view().participants).toEqual([]);
    expect(room.log.at(-1)).toBe('disconnect');
    await waitFor(() => expect(world.sockr.conferences.has(groupId), 'the server has no conference left').toBe(false));
  });

  it('reports who was in the room before it connected', async () => {
    const { alice, groupId } = await team();
    FakeRoom.already = ['carol'];
    const { view, tracks } = mount(alice, livekit());
    await act(() => view().joinConference(groupId));
    expect(ids(view())).toEqual(['alice', 'carol']);
    expect(tracks).toEqual(['carol:carol-audio']);
  });

  it('registers the adapter’s handlers before it connects', async () => {
    const { alice, groupId } = await team();
    const order: string[] = [];
    const adapter: ISFUClientAdapter = {
      connect: async () => void order.push('connect'),
      disconnect: async () => void order.push('disconnect'),
      publishTracks: async () => undefined,
      onTrackSubscribed: () => void order.push('onTrackSubscribed'),
      onTrackUnsubscribed: () => void order.push('onTrackUnsubscribed'),
      onParticipantConnected: () => void order.push('onParticipantConnected'),
      onParticipantDisconnected: () => void order.push('onParticipantDisconnected'),
      onDisconnected: () => void order.push('onDisconnected'),
    };
    const { view } = mount(alice, adapter);
    await act(() => view().joinConference(groupId));
    expect(order.indexOf('connect')).toBeGreaterThan(0);
    expect(order.slice(0, order.indexOf('connect')).sort()).toEqual(
      ['onDisconnected', 'onParticipantConnected', 'onParticipantDisconnected', 'onTrackSubscribed'].sort(),
    );
  });

  it('recovers from an error: a new join is allowed and succeeds (sockr-client stays stuck in `error`)', async () => {
    const { alice, groupId } = await team();
    const { view } = mount(alice, livekit());
    FakeRoom.failNext = new Error('could not establish signal connection');
    await act(() => view().joinConference(groupId));
    expect(view().conferenceState).toBe('error');
    expect(view().error?.message).toBe('could not establish signal connection');
    // The failed join left the server's conference too.
    await waitFor(() => expect(world.sockr.conferences.has(groupId)).toBe(false));

    await act(() => view().joinConference(groupId));
    expect(view().conferenceState).toBe('active');
    expect(view().error).toBeNull();
    expect(ids(view())).toEqual(['alice']);

    // A join the server refuses is an error too, and recoverable the same way.
    act(() => view().leaveConference());
    await act(() => view().joinConference('no-such-group'));
    expect(view().conferenceState).toBe('error');
    expect(view().error?.message).toMatch('Not a member');
    await act(() => view().joinConference(groupId));
    expect(view().conferenceState).toBe('active');
  });

  it('ends when the conference ends or the SFU drops us, and unmounting leaves', async () => {
    const { alice, bob, groupId } = await team();
    const { view, unmount } = mount(alice, livekit());
    await act(() => view().joinConference(groupId));
    act(() => FakeRoom.rooms[0].emit('disconnected'));
    expect(view().conferenceState).toBe('ended');
    await waitFor(() => expect(world.sockr.conferences.has(groupId)).toBe(false));

    // Rejoin, then unmount: the server counts alice out, the adapter disconnects.
    await act(() => view().joinConference(groupId));
    await bob.joinConferenceWith(livekit(), groupId);
    await waitFor(() => expect(ids(view())).toEqual(['alice', 'bob']));
    unmount();
    await waitFor(() =>
      expect([...(world.sockr.conferences.get(groupId)?.participants.keys() ?? [])]).toEqual(['bob']),
    );
    expect(FakeRoom.rooms[1].log.at(-1)).toBe('disconnect');
  });

  it('ends when the server ends the conference (conference_ended): the state ends, the adapter disconnects', async () => {
    const { alice, groupId } = await team();
    const { view } = mount(alice, livekit());
    await act(() => view().joinConference(groupId));
    const room = FakeRoom.rooms[0];
    // The server drops alice from the room (as its cleanup does): the room empties, `conference_ended` goes out.
    act(() => world.sockr.leaveConference(groupId, 'alice'));
    await waitFor(() => expect(view().conferenceState).toBe('ended'));
    expect(view().participants).toEqual([]);
    expect(view().activeGroupId).toBeNull();
    expect(room.log.at(-1)).toBe('disconnect');
    expect(room.listenerTotal(), 'no listener left on the room').toBe(0);
    // Ended, not stuck: a new join works.
    await act(() => view().joinConference(groupId));
    expect(view().conferenceState).toBe('active');
  });

  it('a change of `audio`/`video` keeps one set of adapter handlers, and the next join uses the new options', async () => {
    const { alice, groupId } = await team();
    const adapter = livekit();
    const registered = vi.spyOn(adapter, 'onParticipantConnected');
    let latest: ConferenceCallView | undefined;
    function Conference({ audio, video }: { audio: boolean; video: boolean }): React.ReactNode {
      latest = useConferenceCall({ adapter, client: alice, audio, video });
      return null;
    }
    const { rerender } = render(<Conference audio video={false} />);
    rerender(<Conference audio={false} video />);
    rerender(<Conference audio={false} video={false} />);
    rerender(<Conference audio={false} video />);
    expect(registered).toHaveBeenCalledTimes(1);
    await act(() => latest!.joinConference(groupId));
    expect(latest!.conferenceState).toBe('active');
    expect(FakeRoom.rooms[0].log.slice(-2)).toEqual(['connect', 'camera:true']); // no microphone
    // One handler set: bob joining is reported once.
    act(() => FakeRoom.rooms[0].join('bob'));
    expect(latest!.participants.map((p) => p.userId)).toEqual(['alice', 'bob']);
  });
});
