import { act, cleanup, render, waitFor } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SockrClient, sockrCalls } from '@polysocket/sockr';
import { FoonyClient } from '@polysocket/foony';
import { PolySocketProvider } from '@polysocket/react';
import { useVoiceCall, type VoiceCallView } from '@polysocket/react/sockr';
import { quick, sockrUser, startWorld, type World } from '../support';
import { fakeWebRTC, FakePeer, FakeTrack, resetFakeWebRTC } from './fake-webrtc';

// useVoiceCall's state machine against the mock server over real sockets, on a scripted RTCPeerConnection (fast;
// the proof on Chromium's real one is test/browser/voice-call.test.ts).

let world: World;
const clients: SockrClient[] = [];
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  resetFakeWebRTC();
  for (const client of clients.splice(0)) client.close();
  await world.close();
});

const user = (userId: string): Promise<SockrClient> => sockrUser(world, userId, clients, { calls: sockrCalls });

/** One user's phone: the hook on its own client and scripted WebRTC. */
async function phone(userId: string, options: { video?: boolean } = {}) {
  const client = await user(userId);
  const webrtc = fakeWebRTC();
  let latest: VoiceCallView | undefined;
  function Phone(): React.ReactNode {
    latest = useVoiceCall({ client, webrtc, video: options.video });
    return null;
  }
  const result = render(
    <StrictMode>
      <Phone />
    </StrictMode>,
  );
  return { client, webrtc, view: () => latest!, unmount: result.unmount };
}

const candidates = (peer: FakePeer): (string | undefined)[] => peer.added.map((c) => c.candidate);

describe('useVoiceCall (scripted RTCPeerConnection)', () => {
  it('a call: the server’s ICE servers, every candidate delivered both ways, and a hang-up that ends both sides', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    const release = world.sockr.holdCalls();
    // Two candidates inside setLocalDescription (before the hook has a call), one more before call_ringing.
    FakePeer.eager = ['a1', 'a2'];
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(FakePeer.made).toHaveLength(1));
    const alicePeer = FakePeer.made[0];
    await waitFor(() => expect(alicePeer.local?.sdp).toBe('offer-0'));
    expect(alice.view().callState).toBe('calling');
    expect(alicePeer.config?.iceServers, 'the ICE servers the server hands out').toEqual(
      world.sockr.iceServersFor('alice'),
    );
    expect(alicePeer.tracks.map((t) => t.kind)).toEqual(['audio']);
    act(() => alicePeer.gather('a3'));
    expect(alice.view().currentCallId).toBeNull();

    release();
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    expect(bob.view().incomingCall).toMatchObject({ from: 'alice', sdpOffer: 'offer-0' });
    await waitFor(() => expect(alice.view().currentCallId).toBe(bob.view().currentCallId));

    await act(() => bob.view().answerCall());
    const bobPeer = FakePeer.made[1];
    expect(bobPeer.config?.iceServers).toEqual(world.sockr.iceServersFor('bob'));
    expect(bobPeer.remote).toEqual({ type: 'offer', sdp: 'offer-0' });
    // alice's candidates came while bob was ringing: kept, then added after the offer, none refused.
    await waitFor(() => expect(candidates(bobPeer)).toEqual(['a1', 'a2', 'a3']));
    expect(bobPeer.refused).toBe(0);
    await waitFor(() => expect(alice.view().callState).toBe('active'));
    expect(bob.view().callState).toBe('active');
    expect(bob.view().incomingCall).toBeNull();
    await waitFor(() => expect(alicePeer.remote).toEqual({ type: 'answer', sdp: 'answer-1' }));

    act(() => bobPeer.gather('b1'));
    await waitFor(() => expect(candidates(alicePeer)).toEqual(['b1']));
    act(() => bobPeer.connect(new FakeTrack('audio', 'alice-mic')));
    expect(bob.view().connectionState).toBe('connected');
    expect(
      bob
        .view()
        .remoteStream?.getAudioTracks()
        .map((t) => t.id),
    ).toEqual(['alice-mic']);

    act(() => bob.view().hangUp());
    expect(bob.view()).toMatchObject({
      callState: 'ended',
      endReason: 'hangup',
      localStream: null,
      remoteStream: null,
    });
    await waitFor(() => expect(alice.view().callState).toBe('ended'));
    expect(alice.view().endReason).toBe('remote-hangup');
    for (const peer of [alicePeer, bobPeer]) {
      expect(peer.connectionState).toBe('closed');
      expect(peer.listenerCount()).toBe(0);
    }
    for (const stream of [...alice.webrtc.streams, ...bob.webrtc.streams])
      expect(stream.getTracks().map((t) => t.readyState)).toEqual(['ended']);
    expect(world.sockr.calls.size).toBe(0);
  });

  it('reject ends both sides; a new call works after', async () => {
    const alice = await phone('alice', { video: true });
    const bob = await phone('bob');
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    expect(FakePeer.made[0].tracks.map((t) => t.kind)).toEqual(['audio', 'video']);
    act(() => bob.view().rejectCall());
    expect(bob.view()).toMatchObject({ callState: 'ended', endReason: 'rejected', incomingCall: null });
    await waitFor(() => expect(alice.view()).toMatchObject({ callState: 'ended', endReason: 'rejected' }));
    expect(FakePeer.made[0].connectionState).toBe('closed');

    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    await act(() => bob.view().answerCall());
    await waitFor(() => expect(alice.view().callState).toBe('active'));
  });

  it('a changed `video` option keeps the call in progress and is read when the call is answered', async () => {
    const alice = await phone('alice');
    const client = await user('bob');
    const webrtc = fakeWebRTC();
    let bob: VoiceCallView | undefined;
    function Phone({ video }: { video: boolean }): React.ReactNode {
      bob = useVoiceCall({ client, webrtc, video });
      return null;
    }
    const { rerender } = render(<Phone video={false} />);
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob?.callState).toBe('ringing'));
    // The app's camera toggle, while the call rings: not an unmount, so not an end.
    rerender(<Phone video={true} />);
    expect(bob?.callState).toBe('ringing');
    await act(() => bob!.answerCall());
    await waitFor(() => expect(alice.view().callState).toBe('active'));
    expect(bob?.callState).toBe('active');
    expect(FakePeer.made[1].tracks.map((t) => t.kind)).toEqual(['audio', 'video']);
  });

  it('answering twice (a double click) makes one connection: every track is stopped at the end', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    await act(() => Promise.all([bob.view().answerCall(), bob.view().answerCall()]));
    await waitFor(() => expect(alice.view().callState).toBe('active'));
    expect(FakePeer.made, 'alice’s and one of bob’s').toHaveLength(2);
    act(() => bob.view().hangUp());
    await waitFor(() => expect(alice.view().callState).toBe('ended'));
    for (const peer of FakePeer.made) expect(peer.connectionState).toBe('closed');
    for (const stream of [...alice.webrtc.streams, ...bob.webrtc.streams])
      expect(stream.getTracks().map((t) => t.readyState)).toEqual(['ended']);
  });

  it('busy and unavailable callees end the call with the reason', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    const carol = await phone('carol');
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    await act(() => carol.view().startCall('bob'));
    await waitFor(() => expect(carol.view()).toMatchObject({ callState: 'busy', endReason: 'busy' }));
    expect(bob.view().incomingCall?.from).toBe('alice');

    act(() => alice.view().hangUp());
    await waitFor(() => expect(bob.view().callState).toBe('ended'));
    await act(() => carol.view().startCall('nobody'));
    await waitFor(() => expect(carol.view()).toMatchObject({ callState: 'ended', endReason: 'unavailable' }));
  });

  it('unmounting ends the call in progress (the peer ends) and stops listening for calls', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    await act(() => alice.view().startCall('bob'));
    await waitFor(() => expect(bob.view().callState).toBe('ringing'));
    await act(() => bob.view().answerCall());
    await waitFor(() => expect(alice.view().callState).toBe('active'));

    alice.unmount();
    await waitFor(() => expect(bob.view()).toMatchObject({ callState: 'ended', endReason: 'remote-hangup' }));
    expect(FakePeer.made[0].connectionState).toBe('closed');
    expect(alice.webrtc.streams[0].getTracks()[0].readyState).toBe('ended');
    expect(alice.client.listenerCount('call'), 'no `call` listener left').toBe(0);
  });

  it('unmounting while a call is being set up stops it: no call is sent, the microphone is released', async () => {
    const alice = await phone('alice');
    await phone('bob');
    let starting: Promise<void> | undefined;
    act(() => {
      starting = alice.view().startCall('bob');
    });
    alice.unmount();
    await starting;
    expect(world.sockr.eventLog.filter(([user, event]) => user === 'alice' && event === 'call_initiate')).toEqual([]);
    for (const peer of FakePeer.made) expect(peer.connectionState).toBe('closed');
    for (const stream of alice.webrtc.streams) expect(stream.getTracks()[0].readyState).toBe('ended');
  });

  it('takes the client from a PolySocketProvider, and says so when the provider holds another protocol’s', async () => {
    await phone('bob');
    const webrtc = fakeWebRTC();
    let latest: VoiceCallView | undefined;
    function Phone(): React.ReactNode {
      latest = useVoiceCall({ webrtc });
      return null;
    }
    const url = world.server.url;
    render(
      <PolySocketProvider
        create={() => new SockrClient({ url, token: 'token:alice', calls: sockrCalls, autoConnect: false, ...quick })}
      >
        <Phone />
      </PolySocketProvider>,
    );
    await waitFor(() => expect(world.sockr.isOnline('alice')).toBe(true));
    await act(() => latest!.startCall('bob'));
    await waitFor(() => expect(latest!.currentCallId).not.toBeNull());

    function Wrong(): React.ReactNode {
      useVoiceCall();
      return null;
    }
    const foony = new FoonyClient({ url: world.foonyUrl, token: 'valid-token' });
    expect(() =>
      render(
        <PolySocketProvider client={foony}>
          <Wrong />
        </PolySocketProvider>,
      ),
    ).toThrow('useVoiceCall needs a SockrClient');
    expect(() => render(<Wrong />)).toThrow('useVoiceCall needs a <PolySocketProvider> or a `client` option');
  });
});
