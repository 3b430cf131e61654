import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defaultModules, MockServer, staticModule } from '@polysocket/mock-server';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Builds the all-in-one script-tag bundle (window.PolySocket) from the sources, as tsup does for the package. */
export async function buildPlaygroundBundle(): Promise<string> {
  const outdir = `${repo}node_modules/.cache/polysocket-playground`;
  mkdirSync(outdir, { recursive: true });
  const outfile = `${outdir}/polysocket.global.js`;
  await build({
    entryPoints: [`${repo}packages/polysocket/src/browser/all.ts`],
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
  });
  return outfile;
}

/** The mock server with every backend, plus the playground page and its bundle, on 127.0.0.1. */
export async function startPlayground(options: { port?: number; host?: string; log?: (line: string) => void } = {}): Promise<{
  server: MockServer;
  url: string;
  close(): Promise<void>;
}> {
  const bundle = await buildPlaygroundBundle();
  const server = new MockServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    log: options.log,
    modules: [
      ...defaultModules(),
      staticModule({
        root: `${repo}playground`,
        files: { '/polysocket.global.js': bundle, '/polysocket.global.js.map': `${bundle}.map` },
      }),
    ],
  });
  await server.listen();
  return { server, url: `${server.url}/`, close: () => server.close() };
}
