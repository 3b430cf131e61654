// Issue 18: `useVoiceCall` on Chromium's real RTCPeerConnection, two pages (two users) signalling through the mock
// server's Sockr module, with Chromium's fake microphone. The pages' bundle (React, the hook, SockrClient) is built
// here with esbuild from the sources; nothing generated is written to disk.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockServer, sockrModule, type ProtocolModule, type SockrMock } from '@polysocket/mock-server';
import { chromiumAvailable, launchChromium } from './support/chromium';

const available = chromiumAvailable();
const repo = fileURLToPath(new URL('../..', import.meta.url));
const WAIT = { timeout: 20_000 };

async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [`${repo}test/browser/fixtures/voice-call-app.tsx`],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: `${repo}tsconfig.json`,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** The page and its script, from memory. */
function pageModule(script: string): ProtocolModule {
  const html = '<!doctype html><meta charset="utf-8"><title>voice</title><script type="module" src="/app.js"></script>';
  return {
    name: 'voice-page',
    handleHttp(request, response) {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path !== '/voice.html' && path !== '/app.js') return false;
      response.writeHead(200, { 'content-type': path === '/app.js' ? 'text/javascript' : 'text/html' });
      response.end(path === '/app.js' ? script : html);
      return true;
    },
  };
}

describe.skipIf(!available)('useVoiceCall in headless Chromium (issue 18)', () => {
  let server: MockServer;
  let sockr: SockrMock;
  let browser: Browser;
  const pages: Page[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // No STUN/TURN: the two pages reach each other on this machine's own addresses (host candidates).
    sockr = sockrModule({ iceServers: [], demoNamespace: false });
    server = new MockServer({ modules: [sockr, pageModule(await bundlePage())] });
    await server.listen();
    browser = await launchChromium({
      args: [
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
  }, 60_000);

  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close();
    expect(pageErrors.splice(0), 'page errors').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function phone(userId: string, video = false): Promise<Page> {
    const page = await browser.newPage();
    pages.push(page);
    page.on('pageerror', (error) => pageErrors.push(`${userId}: ${error.message}`));
    await page.goto(`${server.url}/voice.html`);
    await page.waitForFunction(() => window.voice !== undefined, undefined, WAIT);
    await page.evaluate(([url, user, camera]) => window.voice.start(url, user, camera), [
      server.url,
      userId,
      video,
    ] as const);
    await page.waitForFunction(() => window.voice.view?.callState === 'idle', undefined, WAIT);
    return page;
  }

  const state = (page: Page, callState: string): Promise<unknown> =>
    page.waitForFunction((s) => window.voice.view?.callState === s, callState, WAIT);
  const connected = (page: Page): Promise<unknown> =>
    page.waitForFunction(() => window.voice.view?.connectionState === 'connected', undefined, WAIT);

  /** The callee's remote audio track: there, and live. */
  const remoteAudio = (page: Page): Promise<{ kind: string; readyState: string }[]> =>
    page.evaluate(() =>
      (window.voice.view?.remoteStream?.getAudioTracks() ?? []).map((t) => ({
        kind: t.kind,
        readyState: t.readyState,
      })),
    );

  /** After the end: every local track stopped, every peer connection closed, nothing left in the view. */
  const teardown = (page: Page): Promise<unknown> =>
    page.evaluate(() => ({
      localTracks: window.voice.localStreams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
      peers: window.voice.peers.map((p) => p.pc.connectionState),
      localStream: window.voice.view?.localStream ?? null,
      remoteStream: window.voice.view?.remoteStream ?? null,
    }));

  /** How many `call_ice_candidate` the server received from a user. */
  const candidatesFrom = (userId: string): number =>
    sockr.eventLog.filter(([user, event]) => user === userId && event === 'call_ice_candidate').length;

  /**
   * From now on the server drops the `call_ice_candidate` packets of the sockets that log in with `token` (a
   * Socket.IO middleware on each new socket, ahead of the mock's handlers). Returns the function that stops it.
   */
  function dropCandidatesOf(token: string): () => void {
    let dropping = true;
    const onSocket = (socket: { use(fn: (packet: unknown[], next: () => void) => void): void }): void => {
      let mine = false;
      socket.use((packet, next) => {
        if (packet[0] === 'authenticate') mine = (packet[1] as { token?: unknown } | undefined)?.token === token;
        if (dropping && mine && packet[0] === 'call_ice_candidate') return;
        next();
      });
    };
    sockr.io!.on('connection', onSocket);
    return () => {
      dropping = false;
      sockr.io?.off('connection', onSocket);
    };
  }

  it('two users: the call connects, the callee gets the caller’s audio track, and a hang-up ends both sides', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');

    void alice.evaluate(() => window.voice.view!.startCall('bob'));
    await state(alice, 'calling');
    await state(bob, 'ringing');
    expect(await bob.evaluate(() => window.voice.view!.incomingCall?.from)).toBe('alice');
    void bob.evaluate(() => window.voice.view!.answerCall());

    await Promise.all([state(alice, 'active'), state(bob, 'active')]);
    await Promise.all([connected(alice), connected(bob)]);
    // Each side's own RTCPeerConnection says connected too (not only the hook's copy of it).
    for (const page of [alice, bob])
      expect(await page.evaluate(() => window.voice.peers.map((p) => p.pc.connectionState))).toEqual(['connected']);
    await bob.waitForFunction(
      () => (window.voice.view?.remoteStream?.getAudioTracks().length ?? 0) > 0,
      undefined,
      WAIT,
    );
    expect(await remoteAudio(bob)).toEqual([{ kind: 'audio', readyState: 'live' }]);
    expect(await bob.evaluate(() => window.voice.view!.currentCallId)).toBe(
      await alice.evaluate(() => window.voice.view!.currentCallId),
    );

    void alice.evaluate(() => window.voice.view!.hangUp());
    await Promise.all([state(alice, 'ended'), state(bob, 'ended')]);
    expect(await alice.evaluate(() => window.voice.view!.endReason)).toBe('hangup');
    expect(await bob.evaluate(() => window.voice.view!.endReason)).toBe('remote-hangup');
    for (const page of [alice, bob])
      expect(await teardown(page)).toEqual({
        localTracks: ['ended'],
        peers: ['closed'],
        localStream: null,
        remoteStream: null,
      });
    expect(sockr.calls.size, 'the server forgot the call').toBe(0);
  });

  it('the caller’s ICE candidates gathered before `call_ringing` are sent once the call is named, and the call connects on them', async () => {
    // The server holds the call unnamed while the caller gathers every candidate, and relays none of the callee's
    // candidates: the connection can only come from the caller's early ones reaching the callee (the caller learns
    // the callee's address from its connectivity checks). With sockr-client's bug it never connects.
    const release = sockr.holdCalls();
    const stopDropping = dropCandidatesOf('token:bob');
    try {
      const alice = await phone('alice');
      const bob = await phone('bob');
      const sentBefore = candidatesFrom('alice');
      const bobBefore = candidatesFrom('bob');

      void alice.evaluate(() => window.voice.view!.startCall('bob'));
      await alice.waitForFunction(() => window.voice.peers[0]?.pc.iceGatheringState === 'complete', undefined, WAIT);
      const gathered = await alice.evaluate(() => window.voice.peers[0].candidates);
      expect(gathered, 'candidates gathered before call_ringing').toBeGreaterThan(0);
      expect(await alice.evaluate(() => window.voice.view!.currentCallId), 'the call is not named yet').toBeNull();
      expect(await bob.evaluate(() => window.voice.view!.callState)).toBe('idle');
      expect(candidatesFrom('alice') - sentBefore, 'nothing sent before the call is named').toBe(0);

      release();
      await state(bob, 'ringing');
      void bob.evaluate(() => window.voice.view!.answerCall());
      await Promise.all([connected(alice), connected(bob)]);
      expect(candidatesFrom('alice') - sentBefore, 'every early candidate reached the server').toBe(gathered);
      expect(await bob.evaluate(() => window.voice.peers[0].candidates), 'the callee gathered its own').toBeGreaterThan(
        0,
      );
      expect(candidatesFrom('bob') - bobBefore, 'none of the callee’s candidates was relayed').toBe(0);
      await bob.waitForFunction(
        () => (window.voice.view?.remoteStream?.getAudioTracks().length ?? 0) > 0,
        undefined,
        WAIT,
      );

      void bob.evaluate(() => window.voice.view!.hangUp());
      await Promise.all([state(alice, 'ended'), state(bob, 'ended')]);
      for (const page of [alice, bob])
        expect(await teardown(page)).toEqual({
          localTracks: ['ended'],
          peers: ['closed'],
          localStream: null,
          remoteStream: null,
        });
    } finally {
      release();
      stopDropping();
    }
  });

  it('with `video: true` the callee gets the caller’s camera track as well as the audio', async () => {
    const alice = await phone('alice', true);
    const bob = await phone('bob');
    void alice.evaluate(() => window.voice.view!.startCall('bob'));
    await state(bob, 'ringing');
    void bob.evaluate(() => window.voice.view!.answerCall());
    await Promise.all([connected(alice), connected(bob)]);
    await bob.waitForFunction(() => (window.voice.view?.remoteStream?.getTracks().length ?? 0) === 2, undefined, WAIT);
    expect(
      await bob.evaluate(() =>
        window.voice
          .view!.remoteStream!.getTracks()
          .map((t) => `${t.kind}:${t.readyState}`)
          .sort(),
      ),
    ).toEqual(['audio:live', 'video:live']);
    void alice.evaluate(() => window.voice.view!.hangUp());
    await Promise.all([state(alice, 'ended'), state(bob, 'ended')]);
    expect(await teardown(alice)).toMatchObject({ localTracks: ['ended', 'ended'], peers: ['closed'] });
  });

  it('unmounting ends the call: the other side ends, the tracks stop, the connection closes', async () => {
    const alice = await phone('alice');
    const bob = await phone('bob');
    void alice.evaluate(() => window.voice.view!.startCall('bob'));
    await state(bob, 'ringing');
    void bob.evaluate(() => window.voice.view!.answerCall());
    await Promise.all([connected(alice), connected(bob)]);
    // The page's stop() unmounts the hook first, then closes the client.
    await alice.evaluate(() => window.voice.stop());
    await state(bob, 'ended');
    expect(
      await alice.evaluate(() => ({
        localTracks: window.voice.localStreams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
        peers: window.voice.peers.map((p) => p.pc.connectionState),
      })),
    ).toEqual({ localTracks: ['ended'], peers: ['closed'] });
    expect(await teardown(bob)).toEqual({
      localTracks: ['ended'],
      peers: ['closed'],
      localStream: null,
      remoteStream: null,
    });
  });
});
