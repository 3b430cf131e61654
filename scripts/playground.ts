import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defaultModules, MockServer, staticModule } from '@polysocket/mock-server';
import { mangleOptions } from '../build/mangle';

const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds a script-tag bundle (window.PolySocket) from the sources, as tsup does for the package: minified,
 * private names mangled with the same map (so the browser tests run the code a page ships). `full` is
 * `polysocket.full.global.js` (every optional module: the playground's), otherwise `polysocket.global.js`.
 */
export async function buildPlaygroundBundle(which: 'full' | 'all' = 'full'): Promise<string> {
  const outdir = `${repo}node_modules/.cache/polysocket-playground`;
  mkdirSync(outdir, { recursive: true });
  const outfile = `${outdir}/${which === 'full' ? 'polysocket.full' : 'polysocket'}.global.js`;
  await build({
    entryPoints: [`${repo}packages/polysocket/src/browser/${which}.ts`],
    bundle: true,
    format: 'iife',
    globalName: 'PolySocket',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    outfile,
    tsconfig: `${repo}tsconfig.json`,
    logLevel: 'warning',
    ...mangleOptions(),
  });
  return outfile;
}

/** The React example (examples/react) as one script for /react.html: React bundled in, production build. */
export async function buildReactExample(): Promise<string> {
  const outfile = `${repo}node_modules/.cache/polysocket-playground/react-example.js`;
  await build({
    entryPoints: [`${repo}examples/react/main.tsx`],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    outfile,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    tsconfig: `${repo}tsconfig.json`,
    logLevel: 'warning',
  });
  return outfile;
}

/** `/version.json` for the page's footer: the version of the `polysocket` package the bundle is built from. */
function writeVersionFile(): string {
  const { version } = JSON.parse(readFileSync(`${repo}packages/polysocket/package.json`, 'utf8')) as {
    version: string;
  };
  const file = `${repo}node_modules/.cache/polysocket-playground/version.json`;
  writeFileSync(file, JSON.stringify({ polysocket: version }));
  return file;
}

/**
 * Liveness settings short enough that "Go silent" is found within a few seconds on the page: Foony pings every
 * 2 s (dead 2 s after an unanswered ping), Sockr's Socket.IO pings every 2 s and a client hearing nothing for
 * 4 s drops the link. (Ignis has no server heartbeat: a browser cannot find a silent Ignis server.)
 */
export const PLAYGROUND_LIVENESS = { foony: { keepAliveMs: 2000 }, sockr: { pingInterval: 2000, pingTimeout: 2000 } };

/** The mock server with every backend, plus the playground page and its bundle, on 127.0.0.1. */
export async function startPlayground(
  options: { port?: number; host?: string; log?: (line: string) => void } = {},
): Promise<{
  server: MockServer;
  url: string;
  close(): Promise<void>;
}> {
  const [full, bundle, react] = await Promise.all([
    buildPlaygroundBundle('full'),
    buildPlaygroundBundle('all'),
    buildReactExample(),
  ]);
  const version = writeVersionFile();
  const server = new MockServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    log: options.log,
    modules: [
      ...defaultModules(PLAYGROUND_LIVENESS),
      staticModule({
        root: `${repo}playground`,
        files: {
          '/polysocket.full.global.js': full,
          '/polysocket.full.global.js.map': `${full}.map`,
          '/polysocket.global.js': bundle,
          '/polysocket.global.js.map': `${bundle}.map`,
          '/version.json': version,
          '/react-example.js': react,
          '/react-example.js.map': `${react}.map`,
        },
      }),
    ],
  });
  await server.listen();
  return { server, url: `${server.url}/`, close: () => server.close() };
}
