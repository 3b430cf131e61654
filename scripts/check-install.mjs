// `npm run check:install` (CI, after the build): what a new user does outside this repo. Packs every
// package (scripts/pack.mjs), installs the tarballs together into a fresh `npm init -y` project in a temp
// directory, then runs test/install/app.mjs (ESM, `import`) and app.cjs (CommonJS, `require`) there:
// against the repo's `npm start` (on a free port, through PORT=) and against the installed tarball's
// `polysocket-mock` bin. Each app must round-trip Foony, Ignis and Sockr messages, close, and exit 0
// by itself. Every step is bounded in time; the servers are stopped whatever happens.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packAll } from './pack.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'polysocket-install-'));
const app = join(work, 'app');
const servers = new Set();
let failures = 0;

const fail = (message) => {
  console.error(`✗ ${message}`);
  failures++;
};

/** Runs a command to its end (killed after `timeoutMs`); resolves with its exit code and output. */
function run(command, args, { cwd, timeoutMs, env = process.env }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal === null ? code : `killed (${signal}) after ${timeoutMs} ms`, stdout, stderr });
    });
  });
}

/**
 * Starts a server in its own process group (so `npm start`'s npm, tsx and node all stop together) and
 * resolves with the URL it prints on the line matched by `ready`.
 */
function startServer(name, command, args, { cwd, env, ready, timeoutMs }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { name, child, output: '', stopped: new Promise((resolve) => child.on('close', resolve)) };
  servers.add(server);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} printed no URL within ${timeoutMs} ms:\n${server.output}`)),
      timeoutMs,
    );
    const onData = (chunk) => {
      server.output += chunk;
      const match = ready.exec(server.output);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ server, url: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${server.output}`));
    });
  });
}

async function stopServer(server) {
  if (!servers.delete(server) || server.child.exitCode !== null) return;
  try {
    process.kill(-server.child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const killer = setTimeout(() => {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 5000);
  await server.stopped;
  clearTimeout(killer);
}

/** A port nobody listens on right now (the OS picks it), for `PORT=… npm start`. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Runs app.mjs and app.cjs against `url` and checks every line they print. */
async function runApps(url, against) {
  for (const [file, format, entry] of [
    ['app.mjs', 'esm', 'index.js'],
    ['app.cjs', 'cjs', 'index.cjs'],
  ]) {
    const { code, stdout, stderr } = await run(process.execPath, [file, url], { cwd: app, timeoutMs: 30_000 });
    const resolved = `${join(app, 'node_modules', 'polysocket', 'dist', entry)}`;
    const expected = [
      `resolved: ${format === 'esm' ? pathToFileURL(resolved).href : resolved}`,
      `foony: text "hello from ${format}"`,
      `ignis: {"from":"${format}"}`,
      `sockr: "hi from ${format}"`,
    ];
    const lines = stdout.trim().split('\n');
    if (code !== 0 || lines.join('\n') !== expected.join('\n')) {
      fail(
        `${file} against ${against}: exit ${code}\n--- expected\n${expected.join('\n')}\n--- stdout\n${stdout}--- stderr\n${stderr}`,
      );
    } else {
      console.log(
        `✓ ${file} (${format.toUpperCase()}, the installed dist/${entry}) against ${against}: Foony, Ignis and Sockr round trips, closed, exit 0`,
      );
    }
  }
}

async function main() {
  console.log(`packing into ${work}${sep}packs`);
  const tarballs = packAll({ out: join(work, 'packs') }).map((packed) => packed.file);

  mkdirSync(app);
  const init = await run('npm', ['init', '-y'], { cwd: app, timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`npm init -y failed:\n${init.stderr}`);
  const install = await run('npm', ['install', '--no-audit', '--no-fund', ...tarballs], {
    cwd: app,
    timeoutMs: 180_000,
  });
  if (install.code !== 0)
    throw new Error(`npm install of the tarballs failed (${install.code}):\n${install.stdout}${install.stderr}`);
  if (/install scripts not yet covered/.test(install.stdout + install.stderr))
    fail(`npm install warns about install scripts:\n${install.stderr}`);
  console.log(
    `✓ npm install of the ${tarballs.length} tarballs together in a fresh project: ${install.stdout.trim().split('\n').pop()}`,
  );
  for (const file of ['app.mjs', 'app.cjs']) copyFileSync(join(repo, 'test', 'install', file), join(app, file));

  // The repo's `npm start` (mock server + playground) on a port chosen here.
  const port = await freePort();
  const env = { ...process.env, PORT: String(port) };
  const started = await startServer('npm start', 'npm', ['start'], {
    cwd: repo,
    env,
    ready: /PolySocket playground: (http:\/\/\S+?)\/?\s/,
    timeoutMs: 60_000,
  });
  try {
    if (started.url !== `http://127.0.0.1:${port}`) fail(`PORT=${port} npm start listens on ${started.url}`);
    // The script-tag bundle the README points to when no CDN has it.
    const bundle = await fetch(`${started.url}/polysocket.global.js`);
    const code = await bundle.text();
    if (bundle.status !== 200 || !code.includes('PolySocket'))
      fail(`npm start's /polysocket.global.js: HTTP ${bundle.status}`);
    else console.log(`✓ PORT=${port} npm start serves /polysocket.global.js (${(code.length / 1024).toFixed(1)} KB)`);
    await runApps(started.url, `PORT=${port} npm start`);
  } finally {
    await stopServer(started.server);
  }

  // The installed mock server's bin, on a port its OS picks.
  const bin = join(app, 'node_modules', '.bin', 'polysocket-mock');
  const mock = await startServer('polysocket-mock', bin, ['--port', '0', '--quiet'], {
    cwd: app,
    env: process.env,
    ready: /mock server on (http:\/\/\S+)/,
    timeoutMs: 30_000,
  });
  try {
    await runApps(mock.url, 'the installed polysocket-mock');
  } finally {
    await stopServer(mock.server);
  }
}

const watchdog = setTimeout(() => {
  fail('check:install took over 5 minutes');
  for (const server of servers) void stopServer(server);
  process.exit(1);
}, 300_000);

try {
  await main();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  for (const server of [...servers]) await stopServer(server);
  clearTimeout(watchdog);
}
if (failures > 0) {
  console.error(`check:install: ${failures} failed; the project is kept in ${app}`);
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
console.log('check:install: the packed tarballs install and run outside the repo (ESM and CJS)');
