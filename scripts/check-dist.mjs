// Imports every built package by name, as ESM and as CJS, and checks its main exports exist.
// Run after `npm run build`; it proves the `exports` maps and the emitted files agree.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
const packages = {
  '@polysocket/core': ['Connection', 'WebSocketTransport', 'MemoryServer', 'PolySocketError', 'CursorStore', 'backoffDelay'],
  '@polysocket/foony': ['FoonyClient', 'FoonyChannel', 'decodeFrame', 'ErrorCode'],
  '@polysocket/ignis': ['IgnisClient', 'EcdhSession', 'decodeEnvelope', 'validateRoomName'],
  '@polysocket/socketio': ['SocketIOClient', 'SocketIOSocket', 'PacketDecoder', 'PollingTransport'],
  '@polysocket/sockr': ['SockrClient', 'SockrCall', 'SocketEvent', 'conversationIdOf'],
  '@polysocket/mock-server': ['MockServer', 'echoModule', 'defaultModules', 'foonyModule', 'ignisModule', 'sockrModule'],
};

let failures = 0;
for (const [name, names] of Object.entries(packages)) {
  const esm = await import(name);
  const cjs = require(name);
  for (const exported of names) {
    for (const [format, module] of [['esm', esm], ['cjs', cjs]]) {
      if (module[exported] === undefined) {
        console.error(`${name} (${format}) does not export ${exported}`);
        failures++;
      }
    }
  }
  const dir = require.resolve(name).replace(/index\.cjs$/, '');
  for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
    if (!existsSync(dir + file)) {
      console.error(`${name}: missing dist/${file}`);
      failures++;
    }
  }
  console.log(`${name}: ESM and CJS import, ${names.length} exports checked, .d.ts present`);
}
if (failures > 0) process.exit(1);
