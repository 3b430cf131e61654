// The core's `browser` build (build/browser-variants.ts): a page gets `socket-runtime.browser.ts`, not the code
// for Node's `ws`; Node (and every other resolution) the default build. Checked on the sources as `npm run size`
// bundles them, and on what tsup and the package manifest say.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { Options } from 'tsup';
import { describe, expect, it } from 'vitest';
import { browserVariants } from '../../build/browser-variants';
import config from '../../tsup.config';

const repo = new URL('../../', import.meta.url).pathname;

async function bundle(browser: boolean): Promise<string> {
  const result = await build({
    stdin: { contents: "export { WebSocketTransport } from '@polysocket/core';", resolveDir: repo, loader: 'ts' },
    bundle: true,
    write: false,
    platform: browser ? 'browser' : 'node',
    format: 'esm',
    tsconfig: `${repo}tsconfig.json`,
    plugins: browser ? [browserVariants()] : [],
    external: ['ws'],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe("the core's browser build", () => {
  it("leaves out the code for `ws` (its emit, ping, terminate), and only in the browser's", async () => {
    const [page, node] = await Promise.all([bundle(true), bundle(false)]);
    for (const nodeOnly of ['nodebuffer', 'server response:', '.terminate()'])
      expect([page.includes(nodeOnly), node.includes(nodeOnly)], nodeOnly).toEqual([false, true]);
    expect(page).toContain('socket-runtime.browser.ts');
  });

  it('is what the manifest gives the `browser` condition, built by tsup from the same sources', () => {
    const manifest = JSON.parse(readFileSync(`${repo}packages/core/package.json`, 'utf8')) as {
      exports: Record<string, Record<string, unknown>>;
    };
    const conditions = Object.keys(manifest.exports['.']);
    expect(conditions[0]).toBe('browser');
    // ESM only: a `require` with the `browser` condition (Jest's jsdom environment, in Node) gets the default build.
    expect(manifest.exports['.'].browser).toEqual({
      import: { types: './dist/index.d.ts', default: './dist/index.browser.js' },
    });
    const stages = [0, 1, 2, 3].flatMap(
      (stage) => (config as (o: Options) => Options[])({ env: { stage: String(stage) } }) as Options[],
    );
    const coreBrowser = stages.find((options) => options.name === 'core-browser');
    expect(coreBrowser?.entry).toEqual({ 'index.browser': 'packages/core/src/index.ts' });
    expect(coreBrowser?.format).toEqual(['esm']);
    expect(coreBrowser?.esbuildPlugins?.map((plugin) => plugin.name)).toEqual(['browser-variants']);
  });
});
