// What an app ships, measured one way for `npm run size` and `npm run bench` (issue 16): gzip -9 of an esbuild
// browser bundle (minified, tree-shaken, ES2020) of one client class, or of a script-tag bundle. KB = 1,000 bytes.
//
// Our rows bundle the SOURCES with the production build's mangle options (build/mangle.ts: the same list and map
// tsup applies to dist), so the numbers are the dist's without a build first, and a change to the sources shows
// at once. `from: 'dist'` bundles the built packages instead (npm run build first) as a cross-check. The peers
// are bundled from node_modules as an app would, never mangled.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { browserVariants } from './browser-variants';
import { mangleOptions } from './mangle';

const repo = fileURLToPath(new URL('..', import.meta.url));
const browser = `${repo}packages/polysocket/src/browser/`;

export interface SizeRow {
  id: string;
  label: string;
  /** An ESM import to tree-shake (TypeScript, packages by name), or a script-tag bundle's entry name. */
  entry: { contents: string } | { iife: 'all' | 'full' | 'foony' | 'ignis' | 'socketio' | 'sockr' };
  /** A peer client: bundled from node_modules, not mangled. */
  peer?: boolean;
  /** Left out of the bundle: what the app has anyway (React, for @polysocket/react's rows). */
  external?: string[];
}

const esm = (name: string, module: string): { contents: string } => ({
  contents: `import { ${name} } from '${module}'; console.log(${name});`,
});

/** The table: each row has a budget in size-budget.json. */
export const BUDGET_ROWS: SizeRow[] = [
  // The default client: the binary records (the Foony service's wire), the one codec it carries.
  { id: 'foony', label: 'core + Foony (FoonyClient)', entry: esm('FoonyClient', '@polysocket/foony') },
  { id: 'ignis', label: 'core + Ignis (IgnisClient)', entry: esm('IgnisClient', '@polysocket/ignis') },
  {
    id: 'socketio',
    label: 'core + Socket.IO (SocketIOClient)',
    entry: esm('SocketIOClient', '@polysocket/socketio'),
  },
  { id: 'sockr', label: 'core + Socket.IO + Sockr (SockrClient)', entry: esm('SockrClient', '@polysocket/sockr') },
  { id: 'all-in-one', label: 'all-in-one polysocket.global.js', entry: { iife: 'all' } },
];

/** Measured in the same run, for comparison. */
export const PEER_ROWS: SizeRow[] = [
  { id: 'foony-realtime', label: '@foony/realtime (Realtime)', entry: esm('Realtime', '@foony/realtime'), peer: true },
  { id: 'socket.io-client', label: 'socket.io-client (io)', entry: esm('io', 'socket.io-client'), peer: true },
];

/** Shown without a budget. */
export const OTHER_ROWS: SizeRow[] = [
  ...(['foony', 'ignis', 'socketio', 'sockr'] as const).map((name): SizeRow => ({
    id: `iife-${name}`,
    label: `${name}.global.js`,
    entry: { iife: name },
  })),
  { id: 'iife-full', label: 'polysocket.full.global.js (+ every module)', entry: { iife: 'full' } },
  { id: 'create-client', label: 'createClient (every adapter, ESM)', entry: esm('createClient', 'polysocket') },
  {
    // issue 18: @polysocket/react adds at most 3 KB gzip over the client it wraps (React itself left out); the
    // row `foony` above is the client alone. test/build/react-size.test.ts holds it to that.
    id: 'react-foony',
    label: 'FoonyClient + @polysocket/react (provider, useChannel)',
    entry: {
      contents: [
        "import { FoonyClient } from '@polysocket/foony';",
        "import { PolySocketProvider, useConnectionState } from '@polysocket/react';",
        "import { useChannel } from '@polysocket/react/foony';",
        'console.log(FoonyClient, PolySocketProvider, useConnectionState, useChannel);',
      ].join('\n'),
    },
    external: ['react'],
  },
  {
    // issue 18: a Sockr chat app's hooks over SockrClient (the row `sockr` is the client alone; the provider adds
    // the typing module). test/build/react-size.test.ts holds it to 3 KB.
    id: 'react-sockr',
    label: 'SockrClient + @polysocket/react/sockr (provider, useSocket, messages, sends, group messages)',
    entry: {
      contents: [
        "import { SockrClient } from '@polysocket/sockr';",
        "import { SocketProvider, useSocket, useMessages, useSendMessage, useGroupMessages } from '@polysocket/react/sockr';",
        'console.log(SockrClient, SocketProvider, useSocket, useMessages, useSendMessage, useGroupMessages);',
      ].join('\n'),
    },
    external: ['react'],
  },
  {
    // Every Sockr hook but the call hooks, for comparison.
    id: 'react-sockr-all',
    label: 'SockrClient + every @polysocket/react/sockr hook (calls aside)',
    entry: {
      contents: [
        "import { SockrClient } from '@polysocket/sockr';",
        'import {',
        '  SocketProvider, useSocket, useSocketContext, useSocketEvent, useMessages, useSendMessage, usePresence,',
        '  useTypingIndicator, useGroup, useGroupMessages, useGroupTyping, useUserGroups,',
        "} from '@polysocket/react/sockr';",
        'console.log(SockrClient, SocketProvider, useSocket, useSocketContext, useSocketEvent, useMessages,',
        '  useSendMessage, usePresence, useTypingIndicator, useGroup, useGroupMessages, useGroupTyping, useUserGroups);',
      ].join('\n'),
    },
    external: ['react'],
  },
  {
    // The call hooks over a SockrClient with the calls module (compare with `sockr-calls-client`).
    id: 'react-sockr-calls',
    label: 'SockrClient (calls) + useVoiceCall, useConferenceCall, LiveKitClientAdapter',
    entry: {
      contents: [
        "import { SockrClient, sockrCalls } from '@polysocket/sockr';",
        "import { useVoiceCall, useConferenceCall } from '@polysocket/react/sockr';",
        "import { LiveKitClientAdapter } from '@polysocket/react/livekit';",
        'console.log(new SockrClient({ url: "x", calls: sockrCalls }), useVoiceCall, useConferenceCall, LiveKitClientAdapter);',
      ].join('\n'),
    },
    external: ['react', 'livekit-client'],
  },
  {
    id: 'sockr-typing-client',
    label: 'SockrClient with the typing module (what SocketProvider makes)',
    entry: {
      contents: [
        "import { SockrClient, sockrTyping } from '@polysocket/sockr';",
        'console.log(new SockrClient({ url: "x", typing: sockrTyping }));',
      ].join('\n'),
    },
  },
  {
    // The call hooks alone (a voice-call app needs no SFU adapter), over `sockr-calls-client`.
    id: 'react-sockr-call-hooks',
    label: 'SockrClient (calls) + useVoiceCall, useConferenceCall',
    entry: {
      contents: [
        "import { SockrClient, sockrCalls } from '@polysocket/sockr';",
        "import { useVoiceCall, useConferenceCall } from '@polysocket/react/sockr';",
        'console.log(new SockrClient({ url: "x", calls: sockrCalls }), useVoiceCall, useConferenceCall);',
      ].join('\n'),
    },
    external: ['react'],
  },
  {
    id: 'sockr-calls-client',
    label: 'SockrClient with the calls module',
    entry: {
      contents: [
        "import { SockrClient, sockrCalls } from '@polysocket/sockr';",
        'console.log(new SockrClient({ url: "x", calls: sockrCalls }));',
      ].join('\n'),
    },
  },
  {
    id: 'foony-seed',
    label: "core + Foony, the seed's JSON wire (FoonyClient + foonySeedWire)",
    entry: {
      contents:
        "import { FoonyClient, foonySeedWire } from '@polysocket/foony'; console.log(FoonyClient, foonySeedWire);",
    },
  },
];

/** An optional module: what it adds to its client's bundle when the app imports it. */
export interface ModuleRow {
  label: string;
  /** The client the module plugs into: the row measured without it. */
  client: SizeRow;
  /** The same import with the module added. */
  with: SizeRow;
}

const withModule = (client: string, pkg: string, module: string, label: string): ModuleRow => ({
  label,
  client: { id: `${client}`, label: client, entry: esm(client, pkg) },
  with: {
    id: `${client}+${module}`,
    label: `${client} + ${module}`,
    entry: { contents: `import { ${client}, ${module} } from '${pkg}'; console.log(${client}, ${module});` },
  },
});

/** docs/architecture.md "Default client and optional modules" quotes these. */
export const MODULE_ROWS: ModuleRow[] = [
  withModule('FoonyClient', '@polysocket/foony', 'foonyPresence', 'Foony presence'),
  withModule('FoonyClient', '@polysocket/foony', 'strictChannelNames', 'Foony channel-name rules'),
  withModule('FoonyClient', '@polysocket/foony', 'webStorageCursors', 'Foony cursor persistence'),
  withModule('FoonyClient', '@polysocket/foony', 'foonySeedWire', "Foony seed's JSON wire"),
  withModule('FoonyClient', '@polysocket/foony', 'foonyCipher', 'Foony encryption'),
  withModule('FoonyClient', '@polysocket/foony', 'foonyLongPoll', 'Foony long-poll fallback'),
  withModule('IgnisClient', '@polysocket/ignis', 'ignisEncryption', 'Ignis encryption'),
  withModule('SocketIOClient', '@polysocket/socketio', 'socketioPolling', 'Socket.IO long-polling + upgrade'),
  withModule('SockrClient', '@polysocket/sockr', 'sockrCalls', 'Sockr calls'),
  withModule('SockrClient', '@polysocket/sockr', 'sockrTyping', 'Sockr typing'),
];

export interface Size {
  min: number;
  gzip: number;
}

export interface MeasureOptions {
  /** Apply the production mangle map (default true; peers never). */
  mangle?: boolean;
  /** `src` (default): the sources with the build's options; `dist`: the built packages and script-tag files. */
  from?: 'src' | 'dist';
  plugins?: Plugin[];
}

const sizeOf = (code: Uint8Array): Size => ({ min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength });

export async function measure(row: SizeRow, options: MeasureOptions = {}): Promise<Size> {
  const from = row.peer ? 'dist' : (options.from ?? 'src');
  const iife = 'iife' in row.entry ? row.entry.iife : undefined;
  const bundleName = iife === 'all' ? 'polysocket' : iife === 'full' ? 'polysocket.full' : iife;
  // The built script-tag file is what a page loads: measure it as it is.
  if (iife && from === 'dist')
    return sizeOf(readFileSync(`${repo}packages/polysocket/dist/browser/${bundleName}.global.js`));
  const result = await build({
    ...(iife
      ? { entryPoints: [`${browser}${iife}.ts`], globalName: 'PolySocket' }
      : { stdin: { contents: (row.entry as { contents: string }).contents, resolveDir: repo, loader: 'ts' as const } }),
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: iife ? 'iife' : 'esm',
    target: 'es2020',
    // tsconfig.json maps @polysocket/* to the sources; tsconfig.base.json has no paths, so they resolve to dist.
    tsconfig: `${repo}${from === 'src' ? 'tsconfig.json' : 'tsconfig.base.json'}`,
    // The sources as the browser build has them (the dist's browser condition does the same).
    plugins: [...(from === 'src' ? [browserVariants()] : []), ...(options.plugins ?? [])],
    external: row.external ?? [],
    logLevel: 'silent',
    ...(from === 'src' && options.mangle !== false ? mangleOptions() : {}),
  });
  return sizeOf(result.outputFiles[0].contents);
}

/** Bytes as KB (1,000 bytes) with two decimals. */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(2)} KB`;

export interface BudgetEntry {
  /** The "must" and "stretch", gzip bytes. */
  must: number;
  stretch: number;
  /** What `npm run size` enforces now: the must once met, until then the last measurement + slack (a ratchet). */
  limit: number;
}

export const BUDGET_FILE = `${repo}size-budget.json`;

export function readBudget(): Record<string, BudgetEntry> {
  return (JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) as { rows: Record<string, BudgetEntry> }).rows;
}

/** A ratchet's slack over the measured size. */
export const SLACK = 0.02;

/**
 * The limit `npm run size -- --update-limits` writes: the must once the row meets it; until then the measurement
 * + slack (rounded up to 10 bytes), never above the limit it replaces.
 */
export function nextLimit(entry: BudgetEntry, gzip: number): number {
  if (gzip <= entry.must) return entry.must;
  return Math.min(entry.limit, Math.ceil((gzip * (1 + SLACK)) / 10) * 10);
}
