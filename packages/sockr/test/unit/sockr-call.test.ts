import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectPeer, SockrCall } from '@polysocket/sockr';

describe('SockrCall', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function host() {
    const emitted: [string, unknown][] = [];
    return {
      emitted,
      host: {
        emit: (e: string, p: unknown) => void emitted.push([e, p]),
        forget: () => undefined,
        reportListenerError: () => undefined,
      },
    };
  }

  it('buffers local candidates until named, and hangs up on the ring timeout', () => {
    const { emitted, host: h } = host();
    const call = new SockrCall(h, 'outgoing', 'bob', { ringTimeoutMs: 45_000 });
    const states: string[] = [];
    call.on('state', (s) => states.push(s));
    call.addLocalCandidate({ candidate: 'c1' });
    expect(emitted).toEqual([]);
    call.named('call-1');
    expect(emitted).toEqual([['call_ice_candidate', { callId: 'call-1', candidate: { candidate: 'c1' } }]]);
    vi.advanceTimersByTime(45_000);
    expect(emitted[1]).toEqual(['call_hangup', { callId: 'call-1' }]);
    expect(states).toEqual(['ringing', 'ended']);
    expect(vi.getTimerCount()).toBe(0);
  });

  // connectPeer(call, {}) threw a raw TypeError (pc.addEventListener is not a function).
  it('connectPeer with something that is not a peer connection (or a call) throws INVALID saying what to pass', () => {
    const { host: h } = host();
    const call = new SockrCall(h, 'outgoing', 'bob', {});
    const invalid = expect.objectContaining({ code: 'INVALID', message: expect.stringContaining('RTCPeerConnection') });
    expect(() => connectPeer(call, {} as never)).toThrow(invalid);
    expect(() => connectPeer({} as never, { addEventListener() {}, addIceCandidate() {} } as never)).toThrow(invalid);
  });

  it('a hang-up before the server named the call is sent as soon as it is', () => {
    const { emitted, host: h } = host();
    const call = new SockrCall(h, 'outgoing', 'bob', {});
    call.hangUp();
    expect(call.state).toBe('ended');
    call.named('call-2');
    expect(emitted).toEqual([['call_hangup', { callId: 'call-2' }]]);
  });

  it('remote candidates that come before the app listens are kept for the first listener (at most 32), and dropped when the call ends', async () => {
    const { host: h } = host();
    const call = new SockrCall(h, 'incoming', 'alice', { callId: 'c4', sdpOffer: 'offer' });
    for (let i = 0; i < 40; i++) call.remoteCandidate({ candidate: `early-${i}` });
    const got: unknown[] = [];
    call.on('ice_candidate', (c) => got.push(c.candidate));
    expect(got).toEqual([]); // delivered on a microtask, after the app's setup code
    await Promise.resolve();
    expect(got).toEqual(Array.from({ length: 32 }, (_, i) => `early-${i + 8}`));
    call.remoteCandidate({ candidate: 'live' });
    expect(got.at(-1)).toBe('live');

    const ending = new SockrCall(h, 'incoming', 'alice', { callId: 'c5', sdpOffer: 'offer' });
    ending.remoteCandidate({ candidate: 'never' });
    ending.finish('ended');
    const late: unknown[] = [];
    ending.on('ice_candidate', (c) => late.push(c));
    await Promise.resolve();
    expect(late).toEqual([]);
  });

  it('an incoming call answers or rejects once', () => {
    const { emitted, host: h } = host();
    const call = new SockrCall(h, 'incoming', 'alice', { callId: 'c3', sdpOffer: 'offer' });
    call.answer('answer');
    call.answer('again');
    call.reject();
    expect(emitted).toEqual([['call_answer', { callId: 'c3', sdpAnswer: 'answer' }]]);
    expect(call.state).toBe('active');
  });
});
