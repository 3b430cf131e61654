// `npm run size`: minified and gzip -9 bytes of each script-tag bundle, and of each adapter as a
// tree-shaken ESM import (what an app bundler would ship), all for browsers.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  name: string;
  min: number;
  gzip: number;
}

async function measure(name: string, options: { entry?: string; contents?: string; iife?: boolean }): Promise<Row> {
  const result = await build({
    ...(options.entry ? { entryPoints: [options.entry] } : { stdin: { contents: options.contents!, resolveDir: repo, loader: 'ts' } }),
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: options.iife ? 'iife' : 'esm',
    ...(options.iife ? { globalName: 'PolySocket' } : {}),
    target: 'es2020',
    tsconfig: `${repo}tsconfig.json`,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { name, min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

const rows: Row[] = [];
for (const bundle of ['polysocket', 'foony', 'ignis', 'socketio', 'sockr']) {
  const entry = `${repo}packages/polysocket/src/browser/${bundle === 'polysocket' ? 'all' : bundle}.ts`;
  rows.push(await measure(`IIFE ${bundle}.global.js`, { entry, iife: true }));
}
const imports: [string, string][] = [
  ['ESM core + Foony', "import { FoonyClient } from '@polysocket/foony'; console.log(FoonyClient);"],
  ['ESM core + Ignis', "import { IgnisClient } from '@polysocket/ignis'; console.log(IgnisClient);"],
  ['ESM core + Socket.IO', "import { SocketIOClient } from '@polysocket/socketio'; console.log(SocketIOClient);"],
  ['ESM core + Socket.IO + Sockr', "import { SockrClient } from '@polysocket/sockr'; console.log(SockrClient);"],
  ['ESM createClient (all)', "import { createClient } from 'polysocket'; console.log(createClient);"],
];
for (const [name, contents] of imports) rows.push(await measure(name, { contents }));

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'bundle'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip -9'.padStart(9)}`);
for (const row of rows) console.log(`${row.name.padEnd(width)}  ${row.min.toLocaleString('en').padStart(9)}  ${row.gzip.toLocaleString('en').padStart(9)}`);
