// The `browser` build of a package: a source module `x.ts` that has a `x.browser.ts` beside it is replaced by that
// file (today only the core's `socket-runtime.ts`, the code for Node's `ws`, which a page never uses). tsup makes
// each package's `index.browser.js`/`.cjs` with it (the package's `browser` export condition); the script-tag
// bundles resolve to those, and build/size.ts applies it to the sources, so `npm run size` measures what a page gets.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

export function browserVariants(): Plugin {
  return {
    name: 'browser-variants',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (!/[\\/]packages[\\/][^\\/]+[\\/]src[\\/]/.test(args.importer)) return undefined;
        const variant = resolve(dirname(args.importer), `${args.path}.browser.ts`);
        return existsSync(variant) ? { path: variant } : undefined;
      });
    },
  };
}
