import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';
import { browserVariants } from './build/browser-variants';
import { mangleOptions } from './build/mangle';

/** A package's runtime dependencies stay imports, never bundled (tsup only reads the root package.json). */
function dependenciesOf(name: string): string[] {
  const manifest = JSON.parse(readFileSync(`packages/${name}/package.json`, 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
}

/**
 * Private member names mangled with one fixed map for every build (build/mangle.ts: the checked list, and why
 * the map must be the same in each package's build). `npm run dev` leaves names readable.
 */
const mangled: Partial<Options> = {
  esbuildOptions(options) {
    Object.assign(options, mangleOptions());
  },
};

/** Each library package: ESM + CJS + .d.ts, ES2020, dependencies left external, private names mangled. */
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
    ...mangled,
    ...extra,
  };
}

/**
 * A script-tag bundle: minified IIFE for browsers, exposing `window.PolySocket`, with every
 * dependency inlined and isomorphic-ws resolved to the page's WebSocket (its `browser` entry); private
 * names mangled with the same map as the ESM and CJS builds.
 */
function browserBundle(name: string): Options {
  return {
    name: `browser-${name}`,
    entry: { [name]: `packages/polysocket/src/browser/${BROWSER_ENTRIES[name] ?? name}.ts` },
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
    // From the sources (`npx tsup`), the core's browser build; from dist, its `browser` condition does the same.
    esbuildPlugins: [browserVariants()],
    ...mangled,
  };
}

/**
 * The core's `browser` build (`dist/index.browser.js`, the package's `browser` + `import` export condition): the
 * same sources with `socket-runtime.browser.ts` for `socket-runtime.ts` (build/browser-variants.ts), so a page
 * does not carry the code for Node's `ws`. ESM only: a `require` under the `browser` condition is Jest's jsdom
 * environment, which runs in Node where `isomorphic-ws` gives `ws`, so it gets the default build. Its types are
 * the main build's. After the main build, which cleans dist.
 */
const coreBrowser: Options = {
  ...library('core', {
    entry: { 'index.browser': 'packages/core/src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    esbuildPlugins: [browserVariants()],
  }),
  name: 'core-browser',
};

export const BROWSER_BUNDLES = ['polysocket', 'polysocket.full', 'foony', 'ignis', 'socketio', 'sockr'];
/** @polysocket/react's entries: the generic hooks, and one subpath per adapter (`@polysocket/react/foony`, …). */
export const REACT_ENTRIES = ['index', 'foony', 'ignis', 'socketio', 'sockr', 'livekit'];

/** Bundles whose entry file is not named after them. */
const BROWSER_ENTRIES: Record<string, string> = { polysocket: 'all', 'polysocket.full': 'full' };

/**
 * Packages build in dependency stages (`tsup --env.stage N`): a package's .d.ts build reads the
 * .d.ts of the packages it imports, so those must be complete first. `npm run build` runs them all.
 */
const stages: Options[][] = [
  [library('core')],
  [library('socketio'), coreBrowser],
  [
    library('sockr'),
    library('foony'),
    library('ignis'),
    library('mock-server', { platform: 'node', target: 'node20', esbuildOptions: undefined }),
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
  [
    library('polysocket', { clean: false, entry: { index: 'packages/polysocket/src/index.ts' } }),
    ...BROWSER_BUNDLES.map(browserBundle),
    // One build for every entry, split: the subpaths share the main entry's React context (one chunk), in CJS too.
    library('react', {
      entry: Object.fromEntries(REACT_ENTRIES.map((entry) => [entry, `packages/react/src/${entry}.ts`])),
      splitting: true,
    }),
  ],
];

/** The client packages a script-tag bundle may inline. */
const CLIENT_PACKAGES = ['core', 'foony', 'ignis', 'socketio', 'sockr', 'polysocket'];

/** The sources a build reads: its package's, or for a script-tag bundle every client package's. */
function sourcesOf(options: Options): string[] {
  if (options.name?.startsWith('browser-')) return CLIENT_PACKAGES.map((name) => `packages/${name}/src/**/*.ts`);
  // `mock-server-cli` and `core-browser` build the sources of `mock-server` and `core`.
  return [`packages/${options.name?.replace(/-(cli|browser)$/, '')}/src/**/*.ts`];
}

/**
 * Without a stage (`npx tsup`, `tsup --watch`, and `npm run dev` = `tsup --env.dev 1`) every build runs
 * at once against the sources: tsconfig.json maps each @polysocket/* import to its package's src, so no
 * build waits for another's dist (the library outputs are the same as the staged build's). Nothing is
 * cleaned, as the builds that share a dist folder run side by side. `npm run dev` watches each build's own
 * sources only (cheaper than tsup's default of the whole tree) and does not mangle private names.
 */
export default defineConfig((overrides) => {
  const env = (overrides.env as Record<string, string> | undefined) ?? {};
  if (env.stage !== undefined) return stages[Number(env.stage)];
  return stages.flat().map((options) => ({
    ...options,
    tsconfig: 'tsconfig.json',
    clean: false,
    ...(env.dev !== undefined ? { watch: sourcesOf(options), esbuildOptions: undefined } : {}),
  }));
});
