// `npm run size`: minified and gzip -9 bytes of each script-tag bundle, and of each adapter as a
// tree-shaken ESM import (what an app bundler would ship), all for browsers.
// `npm run size -- --modules`: what each source module costs core + Foony (the bundle rebuilt with that module
// replaced by an empty stand-in; a module's cost includes what only it pulls in).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const repo = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  name: string;
  min: number;
  gzip: number;
}

/** Replaces the module at `path` with stand-ins of its exports, so the bundle shows what the module costs. */
function without(path: string): Plugin {
  return {
    name: 'without',
    setup(plugin) {
      plugin.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.endsWith(path)) return undefined;
        const names = [
          ...readFileSync(args.path, 'utf8').matchAll(
            /^export (?:abstract )?(?:class|function|const|let)\s+([A-Za-z_$][\w$]*)/gm,
          ),
        ].map((m) => m[1]);
        return {
          contents: `${names.map((name) => `export const ${name}: any = class {};`).join('\n')}\nexport {};`,
          loader: 'ts',
        };
      });
    },
  };
}

async function measure(
  name: string,
  options: { entry?: string; contents?: string; iife?: boolean; plugins?: Plugin[] },
): Promise<Row> {
  const result = await build({
    plugins: options.plugins ?? [],
    ...(options.entry
      ? { entryPoints: [options.entry] }
      : { stdin: { contents: options.contents!, resolveDir: repo, loader: 'ts' } }),
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

if (process.argv.includes('--modules')) {
  const contents = "import { FoonyClient } from '@polysocket/foony'; console.log(FoonyClient);";
  const full = await measure('core + Foony', { contents });
  console.log(`core + Foony: ${full.min.toLocaleString('en')} min, ${full.gzip.toLocaleString('en')} gzip -9`);
  console.log(`${'module'.padEnd(34)}  ${'min'.padStart(7)}  ${'gzip'.padStart(6)}`);
  const modules = [
    ...[
      'connection',
      'heartbeat',
      'requests',
      'outbox',
      'websocket-transport',
      'cursor-store',
      'recent-ids',
      'deadline-timer',
      'lazy-collections',
      'safe-emitter',
      'logger',
      'browser-hooks',
      'credentials',
      'secure-url',
      'backoff',
      'errors',
    ].map((m) => `core/src/${m}.ts`),
    ...['channel', 'presence', 'codec', 'channel-name', 'errors'].map((m) => `foony/src/${m}.ts`),
  ];
  for (const module of modules) {
    const row = await measure(module, { contents, plugins: [without(`packages/${module}`)] });
    console.log(
      `${module.padEnd(34)}  ${(full.min - row.min).toLocaleString('en').padStart(7)}  ${(full.gzip - row.gzip).toLocaleString('en').padStart(6)}`,
    );
  }
  process.exit(0);
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
  // One adapter from the umbrella package: tree-shaken to the same bytes as its own package.
  ['ESM FoonyClient from polysocket', "import { FoonyClient } from 'polysocket'; console.log(FoonyClient);"],
];
for (const [name, contents] of imports) rows.push(await measure(name, { contents }));

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`${'bundle'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip -9'.padStart(9)}`);
for (const row of rows)
  console.log(
    `${row.name.padEnd(width)}  ${row.min.toLocaleString('en').padStart(9)}  ${row.gzip.toLocaleString('en').padStart(9)}`,
  );
