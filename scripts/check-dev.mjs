// CI check of `npm run dev` (tsup --env.dev 1, a watch) as a fresh clone meets it: with no dist at all, the watch
// build must come up (every package's JS, .d.ts and the script-tag bundles), and touching a Foony source
// must rebuild Foony's JS and .d.ts and the Foony bundle. Deletes packages/*/dist first (the watch build
// writes all of it again). Bounded in time; stops the watcher whatever happens.
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishablePackages } from './pack.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const packages = publishablePackages();
for (const { dir } of packages) rmSync(join(repo, dir, 'dist'), { recursive: true, force: true });

/** Every file a manifest's `exports` names (the core's `browser` build among them). */
const exported = (node) =>
  typeof node === 'string' ? [node] : Object.values(node ?? {}).flatMap((value) => exported(value));
const outputs = packages.flatMap(({ dir, manifest }) => [
  ...['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'].map((file) => join(repo, dir, 'dist', file)),
  ...exported(manifest.exports)
    .filter((file) => file.startsWith('./dist/'))
    .map((file) => join(repo, dir, file)),
  ...Object.values(manifest.bin ?? {}).map((file) => join(repo, dir, file)),
]);
for (const bundle of ['polysocket', 'polysocket.full', 'foony', 'ignis', 'socketio', 'sockr'])
  outputs.push(join(repo, 'packages/polysocket/dist/browser', `${bundle}.global.js`));

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// `npm run dev` is `tsup --env.dev 1`; run tsup's own bin so the process stopped is the watcher itself.
const watcher = spawn(process.execPath, [join(repo, 'node_modules/tsup/dist/cli-default.js'), '--env.dev', '1'], {
  cwd: repo,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
watcher.stdout.on('data', (chunk) => (output += chunk));
watcher.stderr.on('data', (chunk) => (output += chunk));
// tsup colours its log when CI is set (or on a terminal): match it without the colour codes.
// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
const log = () => output.replace(/\x1b\[[0-9;]*m/g, '');
let exited = false;
const stopped = new Promise((resolve) => watcher.on('close', () => ((exited = true), resolve())));

/** Waits (polling, at most `timeoutMs`) until `done()`; fails on a build error or a watcher that exited. */
async function until(what, done, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (/Build failed|Build error|error occurred/.test(log())) throw new Error(`build error while waiting for ${what}`);
    if (exited) throw new Error(`the watch exited while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

let failed = false;
try {
  const dtsDone = () => (log().match(/DTS ⚡️ Build success/g) ?? []).length >= packages.length;
  await until(
    'first build of every package (JS, .d.ts, bundles) from no dist',
    () => outputs.every(existsSync) && dtsDone(),
    240_000,
  );
  console.log(
    `✓ npm run dev (a tsup watch) with no dist: ${outputs.length} outputs and ${packages.length} .d.ts builds`,
  );

  // The watchers report nothing when their scan of the tree is done, so touch again every 5 s until
  // the rebuild is seen (an edit made before a watcher is ready is missed, as in any watch).
  const touched = Date.now();
  const source = join(repo, 'packages/foony/src/codec.ts');
  const rebuilt = [
    'packages/foony/dist/index.js',
    'packages/foony/dist/index.d.ts',
    'packages/polysocket/dist/browser/foony.global.js',
  ].map((file) => join(repo, file));
  const toucher = setInterval(() => utimesSync(source, new Date(), new Date()), 5000);
  utimesSync(source, new Date(), new Date());
  try {
    await until(
      'rebuild after touching packages/foony/src/codec.ts',
      () => rebuilt.every((file) => mtime(file) > touched),
      120_000,
    );
  } finally {
    clearInterval(toucher);
  }
  console.log(
    `✓ touching packages/foony/src/codec.ts rebuilt foony/dist/index.js, index.d.ts and browser/foony.global.js (${((Date.now() - touched) / 1000).toFixed(1)} s)`,
  );
} catch (error) {
  failed = true;
  console.error(`✗ ${error.message}\n--- npm run dev output (last 3000 characters)\n${log().slice(-3000)}`);
} finally {
  if (!exited) watcher.kill('SIGINT');
  const killer = setTimeout(() => watcher.kill('SIGKILL'), 10_000);
  await stopped;
  clearTimeout(killer);
}
process.exit(failed ? 1 : 0);
