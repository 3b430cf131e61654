// `npm start`'s command line: `npm start -- --port N` (or --port=N, -p N), else $PORT, else 8080.
import { parseArgs } from 'node:util';

export const DEFAULT_PORT = 8080;

export type StartOptions = { help: true } | { help: false; port: number } | { help: false; error: string };

export const START_USAGE = `npm start [-- --port N]

Runs the PolySocket mock server (Foony, Ignis, Sockr) and the playground page on 127.0.0.1.

  --port N, --port=N, -p N   listen on port N (0: any free port); default $PORT, else ${DEFAULT_PORT}
  PORT=N npm start           the same, from the environment (--port wins)
  --help, -h                 this text

Once listening it prints the page's URL, every endpoint and the fault-injection URLs.`;

function portOf(text: string, from: string): number | string {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  return Number.isInteger(port) && port >= 0 && port <= 65535
    ? port
    : `${from} must be a port number 0–65535, not ${JSON.stringify(text)}`;
}

/** Parses `argv` (without node and the script) and the environment; never throws. */
export function parseStartOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { port: { type: 'string', short: 'p' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { help: false, error: (error as Error).message };
  }
  if (parsed.values.help) return { help: true };
  const { positionals } = parsed;
  if (positionals.length > 1 || (positionals.length === 1 && parsed.values.port !== undefined)) {
    return { help: false, error: `unexpected argument ${JSON.stringify(positionals[positionals.length - 1])}` };
  }
  // A bare number (`npm start -- 9094`) is still taken, as before --port existed.
  const [text, from] =
    parsed.values.port !== undefined
      ? [parsed.values.port, '--port']
      : positionals.length === 1
        ? [positionals[0], 'the port']
        : env.PORT !== undefined && env.PORT !== ''
          ? [env.PORT, 'PORT']
          : [String(DEFAULT_PORT), 'the port'];
  const port = portOf(text, from);
  return typeof port === 'number' ? { help: false, port } : { help: false, error: port };
}

/** The one line printed when the port cannot be had (EADDRINUSE, EACCES). */
export function busyPortHint(port: number, host: string, code: string): string {
  const other = port > 0 && port < 65535 ? port + 1 : 0;
  const why = code === 'EACCES' ? 'is not allowed' : 'is already in use (another npm start?)';
  return `Port ${port} on ${host} ${why}: try PORT=${other} npm start, or npm start -- --port ${other}`;
}
