// `npm run bench` (full: medians of 5 runs) or `npm run bench -- --quick` (CI: 1 small run, just to keep the
// benchmarks from rotting). Each server and each measured client runs in its own process; results are
// ratios against baselines measured in the same run. `--write` puts the tables into BENCHMARKS.md.
// For working on one number: `npm run bench -- --only heap --kinds foony,ignis --runs 3` runs just that scenario
// (inbound, rtt, inflight or heap) for those kinds and prints each kind's median and samples, with no tables.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BUDGET_ROWS, kb, measure as bundleSize, OTHER_ROWS, PEER_ROWS, readBudget, type Size } from '../build/size';
import { targets } from './targets';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const write = process.argv.includes('--write');
const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
};
const only = flag('--only');
const config = quick
  ? { runs: 1, stream: 20_000, rtt: 2_000, inflight: 4_000, heap: 100 }
  : { runs: 5, stream: 200_000, rtt: 20_000, inflight: 20_000, heap: 1000 };
if (flag('--runs')) config.runs = Number(flag('--runs'));
const KINDS = [
  'raw',
  'foony',
  'foony-seed',
  'foony-official',
  'ignis',
  'socketio',
  'socket.io-client',
  'sockr',
] as const;
/**
 * Requests: not the official Foony client, whose publishes go through its auto-batching throttle (10 ms between
 * batches), so a sequential round trip measures the throttle, not the client.
 */
const REQUEST_KINDS = KINDS.filter((kind) => kind !== 'foony-official');
/** Inbound: every client next to a raw ws + JSON.parse baseline on the very same frames. */
const INBOUND_KINDS = [
  'raw-foony-seed',
  'foony-seed',
  'raw-foony-binary',
  'foony',
  'foony-official',
  'raw-ignis',
  'ignis',
  'raw-sio',
  'socketio',
  'socket.io-client',
  'raw-sockr',
  'sockr',
  'socket.io-client/sockr',
] as const;
const BASELINE: Record<string, string> = {
  foony: 'raw-foony-binary',
  'foony-seed': 'raw-foony-seed',
  'foony-official': 'raw-foony-binary',
  ignis: 'raw-ignis',
  socketio: 'raw-sio',
  'socket.io-client': 'raw-sio',
  sockr: 'raw-sockr',
  'socket.io-client/sockr': 'raw-sockr',
};
const PEER: Record<string, string> = {
  foony: 'foony-official',
  socketio: 'socket.io-client',
  sockr: 'socket.io-client/sockr',
};
type Kind = (typeof KINDS)[number] | (typeof INBOUND_KINDS)[number];

// The measured client runs as plain JavaScript bundled the way tsup builds the packages, not under tsx:
// tsx compiles with esbuild's keepNames, which defines a `name` property on every closure (≈ 5 KB of
// property dictionaries per idle client, and a call per closure created on the hot path).
const clientScript = `${repo}bench/.build/client.mjs`;
await build({
  entryPoints: [`${repo}bench/client.ts`],
  outfile: clientScript,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'es2020',
  tsconfig: `${repo}tsconfig.json`,
  external: ['ws', 'socket.io-client', 'eventemitter3', 'isomorphic-ws'],
  logLevel: 'silent',
});

/**
 * Where `taskset` exists and there are two cores, the server runs on CPU 0 and every measured client on CPU 1,
 * so they never compete for a core and the client's CPU time is not inflated by waiting its turn.
 */
const pinning = ((): boolean => {
  if (cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The command line for `node args…` on `cpu` (taskset execs node, so the process id stays node's). */
function onCpu(cpu: 0 | 1, args: string[]): [string, string[]] {
  return pinning ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/** `streams: false` for the recovery servers: they only trickle, and pre-encoding the streams would lengthen the outage. */
async function startServer(
  port = 0,
  streams = true,
): Promise<{ port: number; process: ChildProcess; readyAt: number }> {
  const child = spawn(...onCpu(0, ['--import', 'tsx', `${repo}bench/server.ts`, String(port)]), {
    cwd: repo,
    env: { ...process.env, BENCH_STREAM: String(streams ? config.stream : 0) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const bound = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /READY (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { port: bound, process: child, readyAt: Date.now() };
}

/**
 * One recovery sample: the client streams from a server that is killed (abruptly), stays down 500 ms,
 * and comes back on the same port; returns ms from "server ready again" to "first message after the gap".
 */
async function recoverySample(kind: Kind): Promise<number> {
  const first = await startServer(0, false);
  const client = spawn(...onCpu(1, [clientScript, 'recovery', kind, `127.0.0.1:${first.port}`, '0']), {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  client.stdout!.on('data', (chunk) => (out += String(chunk)));
  const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const match = pattern.exec(out);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`recovery ${kind}: no ${pattern} (got ${out})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  let second: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await waitFor(/READY/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    first.process.kill('SIGKILL');
    await new Promise((resolve) => first.process.once('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 500));
    second = await startServer(first.port, false);
    const match = await waitFor(/\{"resumedAt":(\d+)\}/);
    return Number(match[1]) - second.readyAt;
  } finally {
    client.kill('SIGKILL');
    second?.process.kill('SIGTERM');
  }
}

async function measure(scenario: string, kind: Kind, port: number, n: number): Promise<Record<string, number>> {
  const args = [
    ...(scenario === 'heap' ? ['--expose-gc'] : []),
    clientScript,
    scenario,
    kind,
    `127.0.0.1:${port}`,
    String(n),
  ];
  const { stdout } = await run(...onCpu(1, args), { cwd: repo, timeout: 300_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function scenario(
  name: string,
  n: number,
  port: number,
  kinds: readonly Kind[] = KINDS,
): Promise<Record<string, Record<string, number>>> {
  // Runs are interleaved (every kind once per round), so a slow spell of the machine hits every kind alike
  // and the ratios stay fair; each measurement still has the machine to itself.
  const samples = new Map<Kind, Record<string, number>[]>(kinds.map((kind) => [kind, []]));
  for (let i = 0; i < config.runs; i++)
    for (const kind of kinds) samples.get(kind)!.push(await measure(name, kind, port, n));
  const out = {} as Record<Kind, Record<string, number>>;
  for (const kind of kinds) {
    const runs = samples.get(kind)!;
    out[kind] = Object.fromEntries(Object.keys(runs[0]).map((key) => [key, median(runs.map((s) => s[key]))]));
    const each = runs.length > 1 ? ` (${runs.map((s) => Object.values(s).join('/')).join(', ')})` : '';
    process.stderr.write(`  ${name} ${kind}: ${JSON.stringify(out[kind])}${each}\n`);
  }
  return out;
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

/** `--only <scenario> [--kinds a,b]`: that scenario alone, medians on stderr, no tables. */
async function onlyOne(name: string): Promise<void> {
  const all: readonly Kind[] = name === 'inbound' ? INBOUND_KINDS : KINDS;
  const kinds = (flag('--kinds')?.split(',') as Kind[] | undefined) ?? all;
  const n = config[(name === 'inbound' ? 'stream' : name) as 'heap'];
  if (typeof n !== 'number') throw new Error(`--only: unknown scenario ${name}`);
  const server = await startServer();
  try {
    await scenario(name, n, server.port, kinds);
  } finally {
    server.process.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  if (only) return onlyOne(only);
  const started = Date.now();
  const lines: string[] = [];
  const out = (line = ''): void => {
    lines.push(line);
    console.log(line);
  };
  process.stderr.write(`mode: ${quick ? 'quick' : 'full'} (${JSON.stringify(config)})\n`);
  const server = await startServer();
  let inbound, rtt, inflight, heap;
  try {
    inbound = await scenario('inbound', config.stream, server.port, INBOUND_KINDS);
    rtt = await scenario('rtt', config.rtt, server.port, REQUEST_KINDS);
    inflight = await scenario('inflight', config.inflight, server.port, REQUEST_KINDS);
    heap = await scenario('heap', config.heap, server.port);
  } finally {
    server.process.kill('SIGTERM');
  }
  const recovery = {} as Record<string, number>;
  for (const kind of KINDS) {
    if (kind === 'raw') continue; // raw ws has no reconnect
    const samples: number[] = [];
    for (let i = 0; i < config.runs; i++) samples.push(await recoverySample(kind));
    recovery[kind] = median(samples);
    process.stderr.write(`  recovery ${kind}: ${recovery[kind]} ms (${samples.join(', ')})\n`);
  }

  out(`### 1. Inbound stream (${fmt(config.stream)} messages of 70–150 bytes, client CPU)`);
  out();
  out('Each client is compared with raw `ws` + `JSON.parse` on exactly the frames it received (`raw-<frames>` rows).');
  out();
  out('| client | µs CPU / message | messages / s | vs raw ws, same frames | vs socket.io-client, same frames |');
  out('|---|---:|---:|---:|---:|');
  for (const kind of INBOUND_KINDS) {
    const r = inbound[kind];
    const base = BASELINE[kind];
    const vsRaw = base ? ratio(r.cpuUsPerMessage, inbound[base].cpuUsPerMessage) : '1.00×';
    const vsPeer = PEER[kind] ? ratio(r.cpuUsPerMessage, inbound[PEER[kind]].cpuUsPerMessage) : '';
    out(`| ${kind} | ${fmt(r.cpuUsPerMessage, 2)} | ${fmt(r.messagesPerSecond)} | ${vsRaw} | ${vsPeer} |`);
  }
  out();
  out(`### 2. Request round trip (${fmt(config.rtt)} sequential; ${fmt(config.inflight)} with 100 in flight)`);
  out();
  out('| client | p50 µs | p99 µs | p50 vs raw | requests / s (100 in flight) | vs raw |');
  out('|---|---:|---:|---:|---:|---:|');
  for (const kind of REQUEST_KINDS) {
    const r = rtt[kind];
    const f = inflight[kind];
    out(
      `| ${kind} | ${fmt(r.p50Us)} | ${fmt(r.p99Us)} | ${ratio(r.p50Us, rtt.raw.p50Us)} | ${fmt(f.requestsPerSecond)} | ${ratio(f.requestsPerSecond, inflight.raw.requestsPerSecond)} |`,
    );
  }
  out();
  out(`### 4. Heap per idle connected client (${fmt(config.heap)} clients in one process, after GC)`);
  out();
  out('| client | bytes / client | vs raw ws |');
  out('|---|---:|---:|');
  for (const kind of KINDS)
    out(
      `| ${kind} | ${fmt(heap[kind].bytesPerClient)} | ${ratio(heap[kind].bytesPerClient, heap.raw.bytesPerClient)} |`,
    );
  out();

  out('### 5. Recovery (server killed, back on the same port after 500 ms; default reconnect settings)');
  out();
  out('| client | ms from server ready to first resumed message |');
  out('|---|---:|');
  for (const kind of KINDS) if (kind !== 'raw') out(`| ${kind} | ${fmt(recovery[kind])} |`);
  out();
  out('Each client reconnects with its own default backoff (PolySocket: full jitter, first retry within 0.1–1 s, then');
  out('up to 2 s; socket.io-client: 1 s ± 50 %), so this mostly measures the backoff schedules, which is the point.');
  out();
  out('### 3. Bundle size (`npm run size`: browser, minified, private names mangled as in dist; gzip -9)');
  out();
  out('| bundle | min bytes | gzip bytes | issue 16 must / stretch |');
  out('|---|---:|---:|---|');
  const budget = readBudget();
  const sizes = new Map<string, Size>();
  for (const row of [...BUDGET_ROWS, ...OTHER_ROWS, ...PEER_ROWS]) {
    try {
      const size = await bundleSize(row);
      sizes.set(row.id, size);
      const entry = budget[row.id];
      const target = entry ? `${kb(entry.must)} / ${kb(entry.stretch)}` : row.peer ? 'peer' : '';
      out(`| ${row.label} | ${fmt(size.min)} | ${fmt(size.gzip)} | ${target} |`);
    } catch (error) {
      out(`| ${row.label} | failed: ${(error as Error).message.split('\n')[0]} | | |`);
    }
  }
  out();
  targets(out, { inbound, inflight, heap, sizes, budget });
  if (quick) out('Quick mode (small counts, one run): the heap and CPU figures are not comparable with the targets.');
  out();
  out(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Mode: ${quick ? 'quick' : `full, medians of ${config.runs} runs`}, ${((Date.now() - started) / 60_000).toFixed(1)} min. ${pinning ? 'Server pinned to CPU 0, clients to CPU 1 (taskset).' : 'Not pinned to CPUs (no taskset).'}`,
  );

  if (write) {
    const file = `${repo}BENCHMARKS.md`;
    const text = readFileSync(file, 'utf8');
    const start = '<!-- results:start -->';
    const end = '<!-- results:end -->';
    const next = text.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${lines.join('\n')}\n${end}`);
    writeFileSync(file, next);
    console.log(`\nwrote the results into BENCHMARKS.md`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
