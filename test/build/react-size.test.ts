// Issue 18: @polysocket/react adds at most 3 KB gzip over the client it wraps — measured as `npm run size` does
// (build/size.ts: the sources with the dist mangle map, React left out as the app has it).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUDGET_ROWS, measure, OTHER_ROWS } from '../../build/size';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('@polysocket/react size', () => {
  it('the provider, useConnectionState and useChannel add at most 3 KB gzip over FoonyClient', async () => {
    const client = await measure(BUDGET_ROWS.find((row) => row.id === 'foony')!);
    const withReact = await measure(OTHER_ROWS.find((row) => row.id === 'react-foony')!);
    const added = withReact.gzip - client.gzip;
    expect(added).toBeGreaterThan(300); // the hooks are in the bundle (React is not)
    expect(added).toBeLessThanOrEqual(3000);
  }, 120_000); // a cold cache computes the mangle list first (build/mangle.ts), seconds on a busy machine

  it('SocketProvider, useSocket, useMessages, useSendMessage and useGroupMessages add at most 3 KB gzip over SockrClient', async () => {
    const client = await measure(BUDGET_ROWS.find((row) => row.id === 'sockr')!);
    const withReact = await measure(OTHER_ROWS.find((row) => row.id === 'react-sockr')!);
    const added = withReact.gzip - client.gzip;
    expect(added).toBeGreaterThan(1000); // the hooks are in the bundle (React is not)
    expect(added).toBeLessThanOrEqual(3000);
  }, 120_000);

  // Every Sockr hook, over the client SocketProvider makes: a SockrClient with the typing module (the typing hooks
  // send through it, so the provider adds it). 4.15 KB over the bare client before the compaction, 3.57 after; the
  // typing module is 0.58 KB of that, and it is the client's code, not React's.
  it('every Sockr hook but the call hooks adds at most 3 KB gzip over the SockrClient SocketProvider makes', async () => {
    const client = await measure(OTHER_ROWS.find((row) => row.id === 'sockr-typing-client')!);
    const withReact = await measure(OTHER_ROWS.find((row) => row.id === 'react-sockr-all')!);
    const added = withReact.gzip - client.gzip;
    expect(added).toBeGreaterThan(2000); // the hooks are in the bundle (React is not)
    expect(added).toBeLessThanOrEqual(3000);
  }, 120_000);

  it('useVoiceCall and useConferenceCall add at most 3 KB gzip over SockrClient with calls', async () => {
    const client = await measure(OTHER_ROWS.find((row) => row.id === 'sockr-calls-client')!);
    const withReact = await measure(OTHER_ROWS.find((row) => row.id === 'react-sockr-call-hooks')!);
    const added = withReact.gzip - client.gzip;
    expect(added).toBeGreaterThan(1500); // the call hooks are in the bundle (React is not)
    expect(added).toBeLessThanOrEqual(3000);
  }, 120_000);

  // LiveKitClientAdapter (`@polysocket/react/livekit`) wraps livekit-client (left out, as the app has it), not the
  // Sockr client: sockr-client's SFU adapter, usable without React (`client.joinConferenceWith`). Measured on its own.
  it('LiveKitClientAdapter adds at most 1 KB gzip over the call hooks', async () => {
    const hooks = await measure(OTHER_ROWS.find((row) => row.id === 'react-sockr-call-hooks')!);
    const withAdapter = await measure(OTHER_ROWS.find((row) => row.id === 'react-sockr-calls')!);
    const added = withAdapter.gzip - hooks.gzip;
    expect(added).toBeGreaterThan(200); // the adapter is in the bundle (livekit-client is not)
    expect(added).toBeLessThanOrEqual(1000);
  }, 120_000);
});

describe('@polysocket/react entries', () => {
  /** The source files esbuild puts in an app's bundle for `contents` (React left out). */
  async function inputsOf(contents: string): Promise<string[]> {
    const result = await build({
      stdin: { contents, resolveDir: repo, loader: 'ts' },
      bundle: true,
      write: false,
      metafile: true,
      platform: 'browser',
      format: 'esm',
      tsconfig: `${repo}tsconfig.json`,
      external: ['react'],
      logLevel: 'silent',
    });
    return Object.keys(result.metafile.inputs).filter((file) => file !== '<stdin>');
  }

  it('the generic hooks bring no client code into a bundle, an adapter subpath only that adapter’s hooks', async () => {
    const generic = await inputsOf("import * as hooks from '@polysocket/react'; console.log(hooks);");
    expect(generic.length).toBeGreaterThan(3);
    expect(generic.filter((file) => !file.startsWith('packages/react/src/'))).toEqual([]);
    const foony = await inputsOf("import * as foony from '@polysocket/react/foony'; console.log(foony);");
    expect(foony.filter((file) => !file.startsWith('packages/react/src/'))).toEqual([]);
    expect(foony.filter((file) => /\/(ignis|socketio)\//.test(file))).toEqual([]);
  });
});
