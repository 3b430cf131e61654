// The table of issue 16's targets, from one bench run: heap per idle client, inbound CPU, requests in flight
// and the bundle sizes (the same measurement as `npm run size`, budgets from size-budget.json). KB = 1,000 bytes.
import { BUDGET_ROWS, kb, type BudgetEntry, type Size } from '../build/size';

type Results = Record<string, Record<string, number>>;

/** Inbound CPU vs raw ws + JSON.parse (same frames) in the last full run before issue 16 (BENCHMARKS.md). */
const INBOUND_BEFORE: Record<string, number> = { ignis: 1.18, socketio: 1.09, sockr: 1.45 };
/** A single run's ratios move by about this much on this machine (BENCHMARKS.md, "Reading the numbers"). */
const NOISE = 0.1;

export interface TargetInput {
  inbound: Results;
  inflight: Results;
  heap: Results;
  sizes: Map<string, Size>;
  budget: Record<string, BudgetEntry>;
}

const ratio = (value: number): string => `${value.toFixed(2)}×`;

export function targets(out: (line?: string) => void, input: TargetInput): void {
  const { inbound, inflight, heap, sizes, budget } = input;
  const rows: [string, string, string][] = [];
  const atMost = (value: number, limit: number): string => (value <= limit ? 'met' : '**missed**');

  for (const [kind, label, limit] of [
    ['foony', 'Foony', 5000],
    ['ignis', 'Ignis', 5000],
    ['socketio', 'Socket.IO', 6000],
    ['sockr', 'Sockr', 9000],
  ] as const) {
    const bytes = heap[kind]?.bytesPerClient;
    if (bytes === undefined) continue;
    rows.push([`heap per idle connected client, ${label} ≤ ${kb(limit)}`, kb(bytes), atMost(bytes, limit)]);
  }

  const inboundRatio = (kind: string, raw: string): number | undefined =>
    inbound[kind] && inbound[raw] ? inbound[kind].cpuUsPerMessage / inbound[raw].cpuUsPerMessage : undefined;
  // Issue 16's Foony target was set on the seed's JSON wire (the default client's binary wire: issue 17's table).
  const foony = inboundRatio('foony-seed', 'raw-foony-seed');
  if (foony !== undefined)
    rows.push([
      'inbound CPU per message, Foony (seed wire) ≤ 1.25× raw ws + JSON.parse',
      ratio(foony),
      atMost(foony, 1.25),
    ]);
  for (const [kind, label, raw] of [
    ['ignis', 'Ignis', 'raw-ignis'],
    ['socketio', 'Socket.IO', 'raw-sio'],
    ['sockr', 'Sockr', 'raw-sockr'],
  ] as const) {
    const value = inboundRatio(kind, raw);
    if (value === undefined) continue;
    const before = INBOUND_BEFORE[kind];
    const status = value <= before ? 'met' : value <= before + NOISE ? 'met (within noise)' : '**missed**';
    rows.push([`inbound CPU per message, ${label} no worse than before (${ratio(before)})`, ratio(value), status]);
  }

  if (inflight.socketio && inflight.raw) {
    const value = inflight.socketio.requestsPerSecond / inflight.raw.requestsPerSecond;
    rows.push([
      'requests with 100 in flight, Socket.IO ≥ 0.85× raw',
      ratio(value),
      value >= 0.85 ? 'met' : '**missed**',
    ]);
  }

  for (const row of BUDGET_ROWS) {
    const size = sizes.get(row.id);
    const entry = budget[row.id];
    if (!size || !entry) continue;
    const status =
      size.gzip <= entry.stretch
        ? 'met (stretch too)'
        : size.gzip <= entry.must
          ? 'met'
          : `**missed** (${kb(size.gzip - entry.must)} over)`;
    rows.push([`gzip, ${row.label} ≤ ${kb(entry.must)} (stretch ${kb(entry.stretch)})`, kb(size.gzip), status]);
  }

  out('### Issue 16 targets, this run');
  out();
  out('| target | this run | status |');
  out('|---|---:|---|');
  for (const [target, value, status] of rows) out(`| ${target} | ${value} | ${status} |`);
  out();
  binaryTargets(out, input);
}

/** Issue 17's: the binary wire against the official client and a raw ws + hand decoder, on identical frames. */
function binaryTargets(out: (line?: string) => void, input: TargetInput): void {
  const { inbound, heap, sizes } = input;
  const rows: [string, string, string][] = [];
  const cpu = (kind: string): number | undefined => inbound[kind]?.cpuUsPerMessage;
  const ours = cpu('foony');
  const official = cpu('foony-official');
  const raw = cpu('raw-foony-binary');
  if (ours !== undefined && official !== undefined)
    rows.push([
      "inbound CPU per message, binary wire ≤ the official client's",
      `${ours.toFixed(2)} µs vs ${official.toFixed(2)} µs (${ratio(ours / official)})`,
      ours <= official ? 'met' : '**missed**',
    ]);
  if (ours !== undefined && raw !== undefined)
    rows.push([
      'inbound CPU per message, binary wire ≤ 1.3× raw ws + hand decoder',
      ratio(ours / raw),
      ours / raw <= 1.3 ? 'met' : '**missed**',
    ]);
  const bytes = heap.foony?.bytesPerClient;
  if (bytes !== undefined)
    rows.push([
      'heap per idle connected client, binary wire ≤ 5.00 KB',
      kb(bytes),
      bytes <= 5000 ? 'met' : '**missed**',
    ]);
  const size = sizes.get('foony');
  if (size)
    rows.push([
      'gzip, core + Foony with the binary wire ≤ 9.00 KB (official client: 12.0 KB)',
      kb(size.gzip),
      size.gzip <= 9000 ? 'met' : `**missed** (${kb(size.gzip - 9000)} over)`,
    ]);
  out('### Issue 17 targets (Foony binary wire), this run');
  out();
  out('| target | this run | status |');
  out('|---|---:|---|');
  for (const [target, value, status] of rows) out(`| ${target} | ${value} | ${status} |`);
}
