// Every production build of a client package (ESM, CJS and the script-tag IIFEs) applies the one mangle map;
// the mock server and `npm run dev` do not.
import type { BuildOptions } from 'esbuild';
import type { Options } from 'tsup';
import { describe, expect, it } from 'vitest';
import { mangleOptions } from '../../build/mangle';
import config from '../../tsup.config';

const configs = (env: Record<string, string>): Options[] => {
  const resolved = (config as (overrides: Options) => Options | Options[])({ env });
  return Array.isArray(resolved) ? resolved : [resolved];
};
const esbuildOf = (options: Options): BuildOptions => {
  const built: BuildOptions = {};
  options.esbuildOptions?.(built, { format: 'esm' });
  return built;
};

describe('tsup.config.ts', () => {
  const staged = [0, 1, 2, 3].flatMap((stage) => configs({ stage: String(stage) }));
  const { mangleProps, mangleCache } = mangleOptions();

  it('mangles with the same map in every client build, the script-tag bundles included', () => {
    const clients = staged.filter((options) => !options.name?.startsWith('mock-server'));
    expect(clients.map((options) => options.name).sort()).toEqual(
      [
        'core',
        'core-browser',
        'foony',
        'ignis',
        'socketio',
        'sockr',
        'polysocket',
        'react',
        ...['polysocket', 'polysocket.full', 'foony', 'ignis', 'socketio', 'sockr'].map((name) => `browser-${name}`),
      ].sort(),
    );
    for (const options of clients) {
      const built = esbuildOf(options);
      expect(built.mangleProps?.source, options.name).toBe(mangleProps.source);
      expect(built.mangleCache, options.name).toEqual(mangleCache);
    }
  });

  it('leaves the mock server and `npm run dev` unmangled, and mangles `npx tsup`', () => {
    for (const options of staged.filter((o) => o.name?.startsWith('mock-server')))
      expect(esbuildOf(options).mangleProps).toBeUndefined();
    for (const options of configs({ dev: '1' })) expect(esbuildOf(options).mangleProps).toBeUndefined();
    const all = configs({}).filter((options) => !options.name?.startsWith('mock-server'));
    for (const options of all) expect(esbuildOf(options).mangleProps?.source).toBe(mangleProps.source);
  });
});
