// Bundles a snippet the way an app's bundler would ship it (esbuild, browser ESM, minified, tree-shaken) from
// the sources, for tests that prove an optional module stays out of a bundle that does not import it.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** The minified browser bundle of `contents` (TypeScript, importing packages by name). */
export async function bundleOf(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: repo, loader: 'ts' },
    bundle: true,
    write: false,
    minify: true,
    treeShaking: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    tsconfig: `${repo}tsconfig.json`,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
