// After `npm run build`: imports every built package by name, as ESM and as CJS, checks its exports
// and .d.ts, then connects each adapter (both module formats) to the built mock server. Last, the consumer
// check (check-consumer.mjs): the packed tarballs installed in a fresh project and typechecked under every
// module resolution.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const packages = {
  '@polysocket/core': [
    'Connection',
    'WebSocketTransport',
    'MemoryServer',
    'PolySocketError',
    'CursorStore',
    'backoffDelay',
  ],
  '@polysocket/foony': ['FoonyClient', 'FoonyChannel', 'decodeFrame', 'ErrorCode'],
  '@polysocket/ignis': ['IgnisClient', 'EcdhSession', 'decodeEnvelope', 'validateRoomName'],
  '@polysocket/socketio': ['SocketIOClient', 'SocketIOSocket', 'PacketDecoder', 'PollingTransport'],
  '@polysocket/sockr': ['SockrClient', 'SockrCall', 'SocketEvent', 'conversationIdOf'],
  polysocket: [
    'createClient',
    'FoonyClient',
    'IgnisClient',
    'SocketIOClient',
    'SockrClient',
    'PolySocketError',
    'FoonyErrorCode',
  ],
  '@polysocket/react': [
    'PolySocketProvider',
    'useClient',
    'useConnectionState',
    'useEvent',
    'useRequest',
    'usePublish',
    'hooksFor',
  ],
  '@polysocket/react/foony': ['useChannel', 'usePresence'],
  '@polysocket/react/ignis': ['useRoom'],
  '@polysocket/react/socketio': ['useSocketEvent', 'socketIOHooks'],
  '@polysocket/react/sockr': [
    'SocketProvider',
    'useSocket',
    'useSocketContext',
    'useSocketEvent',
    'useMessages',
    'useSendMessage',
    'usePresence',
    'useTypingIndicator',
    'useGroup',
    'useGroupMessages',
    'useGroupTyping',
    'useUserGroups',
    'useVoiceCall',
    'useConferenceCall',
  ],
  '@polysocket/react/livekit': ['LiveKitClientAdapter'],
  '@polysocket/mock-server': [
    'MockServer',
    'echoModule',
    'defaultModules',
    'foonyModule',
    'ignisModule',
    'sockrModule',
    'staticModule',
  ],
};

let failures = 0;
const fail = (message) => {
  console.error(`✗ ${message}`);
  failures++;
};

const loaded = {};
for (const [name, names] of Object.entries(packages)) {
  const esm = await import(name);
  const cjs = require(name);
  loaded[name] = { esm, cjs };
  for (const exported of names) {
    for (const [format, module] of [
      ['esm', esm],
      ['cjs', cjs],
    ]) {
      if (module[exported] === undefined) fail(`${name} (${format}) does not export ${exported}`);
    }
  }
  // dist/index.cjs, or a subpath's dist/<entry>.cjs: the same entry in the three other files.
  const entry = require.resolve(name).replace(/\.cjs$/, '');
  for (const extension of ['.js', '.cjs', '.d.ts', '.d.cts']) {
    if (!existsSync(entry + extension)) fail(`${name}: missing ${entry.replace(/.*\/dist\//, 'dist/')}${extension}`);
  }
  console.log(`✓ ${name}: ESM and CJS import, ${names.length} exports, .d.ts`);
}
for (const bundle of ['polysocket', 'polysocket.full', 'foony', 'ignis', 'socketio', 'sockr']) {
  const file = require.resolve('polysocket').replace(/index\.cjs$/, `browser/${bundle}.global.js`);
  if (!existsSync(file)) {
    fail(`missing script-tag bundle ${bundle}.global.js`);
    continue;
  }
  // A browser bundle must not reach for Node: no require(), no node: built-ins, no `ws`.
  const code = readFileSync(file, 'utf8');
  for (const forbidden of ['require(', '"node:', 'permessage-deflate']) {
    if (code.includes(forbidden)) fail(`${bundle}.global.js contains ${forbidden}`);
  }
}
console.log('✓ script-tag bundles present, with no Node built-ins');

// Private member names are mangled (build/mangle.ts) in every client build: ESM, CJS and the script-tag bundles.
const mangle = spawnSync(
  process.execPath,
  ['--import', 'tsx', new URL('../build/mangle.ts', import.meta.url).pathname, '--json'],
  {
    encoding: 'utf8',
  },
);
const { cache } = JSON.parse(mangle.stdout);
const mangledNames = Object.keys(cache);
const clientBuilds = [
  ...['core', 'foony', 'ignis', 'socketio', 'sockr', 'polysocket'].flatMap((name) =>
    ['index.js', 'index.cjs'].map((file) => `packages/${name}/dist/${file}`),
  ),
  // The core's `browser` build (its manifest's `browser` + `import` condition).
  'packages/core/dist/index.browser.js',
  ...['polysocket', 'polysocket.full', 'foony', 'ignis', 'socketio', 'sockr'].map(
    (name) => `packages/polysocket/dist/browser/${name}.global.js`,
  ),
];
let shortNamesSeen = 0;
for (const file of clientBuilds) {
  const code = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
  const left = mangledNames.filter((name) => new RegExp(`\\.${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code));
  if (left.length > 0) fail(`${file} keeps private names: ${left.slice(0, 5).join(', ')}`);
  shortNamesSeen += Object.values(cache).filter((short) => code.includes(`.${short}`)).length;
}
if (mangledNames.length === 0 || shortNamesSeen === 0) fail('no mangled private names in the client builds');
console.log(`✓ ${mangledNames.length} private names mangled in ${clientBuilds.length} client builds`);

// Connect every adapter, as ESM and as CJS, to the built mock server.
const { MockServer, defaultModules } = loaded['@polysocket/mock-server'].esm;
const server = new MockServer({ modules: defaultModules() });
await server.listen();
const quiet = { browser: { network: null, document: null } };
const withTimeout = (promise, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), 10_000))]);

try {
  for (const format of ['esm', 'cjs']) {
    const foony = loaded['@polysocket/foony'][format];
    const ignis = loaded['@polysocket/ignis'][format];
    const sockr = loaded['@polysocket/sockr'][format];
    const umbrella = loaded.polysocket[format];
    const checks = {
      foony: async () => {
        const client = new foony.FoonyClient({ url: server.wsUrl('/foony'), token: 'valid-token', ...quiet });
        await client.connect();
        await client.channel('dist').publish('check', format);
        client.close();
      },
      ignis: async () => {
        const client = new ignis.IgnisClient({ url: server.wsUrl('/ignis'), auth: { token: 'good-token' }, ...quiet });
        await client.connect();
        const reply = await client.request('echo', format);
        if (reply.data !== format) throw new Error('wrong echo');
        client.close();
      },
      sockr: async () => {
        const client = new sockr.SockrClient({ url: server.url, token: 'token:dist', ...quiet });
        await client.connect();
        await client.getOnlineStatus(['dist']);
        client.close();
      },
      // A documented subclass hook survives the mangled build (protected members are not mangled).
      'SafeEmitter subclass hook': async () => {
        const { SafeEmitter } = loaded['@polysocket/core'][format];
        const seen = [];
        class Hooked extends SafeEmitter {
          onListenerError(error) {
            seen.push(error.message);
          }
        }
        const emitter = new Hooked();
        emitter.on('x', () => {
          throw new Error('boom');
        });
        emitter.emit('x');
        if (seen[0] !== 'boom') throw new Error('onListenerError override was not called');
      },
      'polysocket createClient': async () => {
        const client = umbrella.createClient({
          protocol: 'foony',
          url: server.wsUrl('/foony'),
          token: 'valid-token',
          ...quiet,
        });
        await client.connect();
        client.close();
      },
    };
    for (const [what, check] of Object.entries(checks)) {
      try {
        await withTimeout(check(), `${what} (${format})`);
        console.log(`✓ ${what} (${format}) connected to the mock server`);
      } catch (error) {
        fail(`${what} (${format}): ${error.message}`);
      }
    }
  }
} finally {
  await server.close();
}

// @polysocket/react with React, as ESM and CJS: a server render of the provider and a hook of the main entry and of
// a subpath (one React context across the entries' shared chunk), and no connection made while rendering.
for (const format of ['esm', 'cjs']) {
  try {
    const react = format === 'esm' ? await import('react') : require('react');
    const { renderToString } = format === 'esm' ? await import('react-dom/server') : require('react-dom/server');
    const { PolySocketProvider, useConnectionState } = loaded['@polysocket/react'][format];
    const { useChannel } = loaded['@polysocket/react/foony'][format];
    const { FoonyClient } = loaded['@polysocket/foony'][format];
    let client;
    const Chat = () => react.createElement('p', null, `${useConnectionState()} ${useChannel('chat').state}`);
    const html = renderToString(
      react.createElement(
        PolySocketProvider,
        { create: () => (client = new FoonyClient({ url: 'ws://127.0.0.1:1/foony', token: 'valid-token' })) },
        react.createElement(Chat),
      ),
    );
    if (!html.includes('idle detached')) throw new Error(`rendered ${html}`);
    if (client?.state !== 'idle') throw new Error(`the client is ${client?.state} after a server render`);
    console.log(`✓ @polysocket/react (${format}) renders its provider and hooks (main entry and /foony) with React`);
  } catch (error) {
    fail(`@polysocket/react (${format}): ${error.message}`);
  }
  try {
    // /sockr: sockr-client's provider and hooks, its own SockrClient made and left unconnected by a server render.
    const react = format === 'esm' ? await import('react') : require('react');
    const { renderToString } = format === 'esm' ? await import('react-dom/server') : require('react-dom/server');
    const { SocketProvider, useSocket, useMessages } = loaded['@polysocket/react/sockr'][format];
    const Inbox = () => {
      const { connectionState, isAuthenticated } = useSocket();
      return react.createElement('p', null, `${connectionState} ${isAuthenticated} ${useMessages().messages.length}`);
    };
    const html = renderToString(
      react.createElement(
        SocketProvider,
        { config: { url: 'http://127.0.0.1:1' }, token: 'token:ben' },
        react.createElement(Inbox),
      ),
    );
    if (!html.includes('disconnected false 0')) throw new Error(`rendered ${html}`);
    console.log(`✓ @polysocket/react/sockr (${format}) renders SocketProvider and its hooks with React`);
  } catch (error) {
    fail(`@polysocket/react/sockr (${format}): ${error.message}`);
  }
}

const consumer = spawnSync(process.execPath, [new URL('./check-consumer.mjs', import.meta.url).pathname], {
  stdio: 'inherit',
});
if (consumer.status !== 0) fail('the consumer typecheck failed (see above)');
if (failures > 0) process.exit(1);
