import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/** A package's runtime dependencies stay imports, never bundled (tsup only reads the root package.json). */
function dependenciesOf(name: string): string[] {
  const manifest = JSON.parse(readFileSync(`packages/${name}/package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
}

/** Each library package: ESM + CJS + .d.ts, ES2020, dependencies left external. */
function library(name: string, extra: Partial<Options> = {}): Options {
  return {
    name,
    entry: { index: `packages/${name}/src/index.ts` },
    outDir: `packages/${name}/dist`,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2020',
    platform: 'neutral',
    treeshake: true,
    tsconfig: 'tsconfig.base.json',
    outExtension: ({ format }) => ({ js: format === 'cjs' ? '.cjs' : '.js' }),
    external: dependenciesOf(name),
    ...extra,
  };
}

/**
 * A script-tag bundle: minified IIFE for browsers, exposing `window.PolySocket`, with every
 * dependency inlined and isomorphic-ws resolved to the page's WebSocket (its `browser` entry).
 */
function browserBundle(name: string): Options {
  return {
    name: `browser-${name}`,
    entry: { [name]: `packages/polysocket/src/browser/${name === 'polysocket' ? 'all' : name}.ts` },
    outDir: 'packages/polysocket/dist/browser',
    format: ['iife'],
    globalName: 'PolySocket',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: true,
    clean: false,
    dts: false,
    noExternal: [/.*/],
    tsconfig: 'tsconfig.base.json',
    outExtension: () => ({ js: '.global.js' }),
  };
}

export const BROWSER_BUNDLES = ['polysocket', 'foony', 'ignis', 'socketio', 'sockr'];

/**
 * Packages build in dependency stages (`tsup --env.stage N`): a package's .d.ts build reads the
 * .d.ts of the packages it imports, so those must be complete first. `npm run build` runs them all.
 */
const stages: Options[][] = [
  [library('core')],
  [library('socketio')],
  [
    library('sockr'),
    library('foony'),
    library('ignis'),
    library('mock-server', { platform: 'node', target: 'node20' }),
    {
      name: 'mock-server-cli',
      entry: { cli: 'packages/mock-server/src/cli.ts' },
      outDir: 'packages/mock-server/dist',
      format: ['esm'],
      platform: 'node',
      target: 'node20',
      sourcemap: true,
      clean: false,
      banner: { js: '#!/usr/bin/env node' },
      external: dependenciesOf('mock-server'),
      tsconfig: 'tsconfig.base.json',
    },
  ],
  [library('polysocket', { clean: false, entry: { index: 'packages/polysocket/src/index.ts' } }), ...BROWSER_BUNDLES.map(browserBundle)],
];

export default defineConfig((overrides) => {
  const stage = (overrides.env as Record<string, string> | undefined)?.stage;
  return stage === undefined ? stages.flat() : stages[Number(stage)];
});
