// After `npm run build`: packs every package, installs the tarballs into a fresh project outside the repo and
// typechecks the app in test/consumer/ under every module resolution a consumer may use (nodenext, node16,
// bundler with esnext and preserve, ESNext libs, CommonJS with node10, and a browser app without @types/node), each with
// `strict` and `skipLibCheck: false`. The app's `// @ts-expect-error` lines (a bogus event name, a wrongly
// typed listener) make tsc fail if listener types degrade to `any`. KEEP_CONSUMER=1 keeps the temp folder.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packAll, repo as root } from './pack.mjs';

const fixture = join(root, 'test/consumer');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const configs = readdirSync(fixture)
  .filter((file) => /^tsconfig\..+\.json$/.test(file) && file !== 'tsconfig.base.json')
  .sort();

const versionOf = (name) => JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/**
 * The mock server's bin from the installed tarball: `polysocket-mock --port 0` must print its URL (it runs
 * through npm's .bin link, so the shebang and dist/cli.js are needed), then stop on SIGTERM.
 */
async function checkBin(app) {
  const bin = join(app, 'node_modules/.bin/polysocket-mock');
  const child = spawn(bin, ['--port', '0', '--quiet'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const listening = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000);
    const onData = (chunk) => {
      output += chunk;
      if (/http:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      output += String(error);
      clearTimeout(timer);
      resolve(false);
    });
  });
  child.kill('SIGTERM');
  const { code, signal } = await exited;
  if (!listening) fail(`polysocket-mock from the installed tarball did not start:\n${output}`);
  // Killed before its SIGTERM handler was installed (right after the first line) is a stop as well.
  else if (code !== 0 && signal !== 'SIGTERM')
    fail(`polysocket-mock did not stop on SIGTERM (code ${code}, signal ${signal})`);
  else console.log('✓ polysocket-mock (the installed bin) listens and stops on SIGTERM');
}

const work = mkdtempSync(join(tmpdir(), 'polysocket-consumer-'));
let failures = 0;
const fail = (message) => {
  console.error(`✗ ${message}`);
  failures++;
};

try {
  const tarballs = packAll({ out: join(work, 'tarballs'), build: false, quiet: true });
  console.log(`✓ packed ${tarballs.length} packages: ${tarballs.map((t) => t.name).join(', ')}`);

  const app = join(work, 'app');
  cpSync(fixture, app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'polysocket-consumer-check', private: true, version: '0.0.0', type: 'module' }, null, 2),
  );
  // The tarballs, plus what a Node app brings itself: Node's types (the mock server's API uses node:http), and
  // React's types for the React app (src/react.ts).
  // The packages' own dependencies (eventemitter3, isomorphic-ws, ws, socket.io) come from the registry.
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs.map((t) => t.file),
      `@types/node@${versionOf('@types/node')}`,
      // @polysocket/react's peers (react itself npm installs as a peer; its types come from @types/react).
      `@types/react@${versionOf('@types/react')}`,
    ],
    { cwd: app, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  // Every @polysocket package must come from a tarball, once: a nested copy would mean a version mismatch.
  const nested = spawnSync(
    'find',
    ['node_modules', '-mindepth', '3', '-path', '*/node_modules/*polysocket*', '-name', 'package.json'],
    {
      cwd: app,
      encoding: 'utf8',
    },
  ).stdout.trim();
  if (nested) fail(`nested copies of PolySocket packages:\n${nested}`);
  for (const { name } of tarballs) {
    if (!existsSync(join(app, 'node_modules', name, 'package.json'))) fail(`${name} is not installed`);
  }

  await checkBin(app);

  for (const config of configs) {
    const result = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], {
      cwd: app,
      encoding: 'utf8',
    });
    const what = config.replace(/^tsconfig\.|\.json$/g, '');
    if (result.status === 0) console.log(`✓ consumer typechecks under ${what} (strict, skipLibCheck: false)`);
    else fail(`consumer does not typecheck under ${what}:\n${result.stdout}${result.stderr}`);
  }
} finally {
  if (process.env.KEEP_CONSUMER) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
if (failures > 0) process.exit(1);
