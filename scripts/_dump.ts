import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import { mangleOptions } from '../build/mangle';
const repo = process.cwd() + '/';
const which = process.argv[2] ?? 'socketio';
const map: Record<string, string> = {
  ignis: "import { IgnisClient } from '@polysocket/ignis'; console.log(IgnisClient);",
  socketio: "import { SocketIOClient } from '@polysocket/socketio'; console.log(SocketIOClient);",
  sockr: "import { SockrClient } from '@polysocket/sockr'; console.log(SockrClient);",
};
const r = await build({ stdin: { contents: map[which], resolveDir: repo, loader: 'ts' }, bundle: true, write: false, minify: true, metafile: true, platform: 'browser', format: 'esm', target: 'es2020', tsconfig: repo + 'tsconfig.json', logLevel: 'silent', ...mangleOptions() });
const code = r.outputFiles[0].contents;
const out = Object.values(r.metafile.outputs)[0];
let own = 0;
for (const [k, v] of Object.entries(out.inputs)) if (!/core\/src|node_modules/.test(k)) own += v.bytesInOutput;
console.log(which, code.byteLength, gzipSync(code, { level: 9 }).byteLength, 'own min', own);
writeFileSync(`/tmp/a16/${which}.min.js`, code);
const rows = Object.entries(out.inputs).filter(([k]) => !/core\/src|node_modules/.test(k)).map(([k, v]) => [k.replace(/.*packages\//, ''), v.bytesInOutput] as const).sort((a, b) => b[1] - a[1]);
for (const [k, v] of rows) console.log(String(v).padStart(7), k);
