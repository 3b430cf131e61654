import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { busyPortHint, parseStartOptions } from '../../scripts/start-options';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
  for (const blocker of blockers.splice(0)) await new Promise((resolve) => blocker.close(resolve));
});

/** Runs `npm start`'s script with these arguments (and environment additions); collects its output. */
function start(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', ...args], {
    cwd: repo,
    env: { ...process.env, PORT: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** A port on 127.0.0.1 held by another listener. */
async function busyPort(): Promise<number> {
  const blocker = createServer();
  blockers.push(blocker);
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return (blocker.address() as { port: number }).port;
}

describe('npm start: the port', () => {
  it('is taken from --port N, --port=N, -p N, a bare number, or $PORT (the flag wins), else 8080', () => {
    expect(parseStartOptions([], {})).toEqual({ help: false, port: 8080 });
    expect(parseStartOptions(['--port', '9094'], {})).toEqual({ help: false, port: 9094 });
    expect(parseStartOptions(['--port=9094'], {})).toEqual({ help: false, port: 9094 });
    expect(parseStartOptions(['-p', '9094'], {})).toEqual({ help: false, port: 9094 });
    expect(parseStartOptions(['9094'], {})).toEqual({ help: false, port: 9094 });
    expect(parseStartOptions([], { PORT: '9095' })).toEqual({ help: false, port: 9095 });
    expect(parseStartOptions(['--port', '9094'], { PORT: '9095' })).toEqual({ help: false, port: 9094 });
    expect(parseStartOptions(['--port', '0'], {})).toEqual({ help: false, port: 0 });
    expect(parseStartOptions(['--help'], {})).toEqual({ help: true });
  });

  it('refuses what is not a port, with a reason', () => {
    expect(parseStartOptions(['--port', 'abc'], {})).toEqual({
      help: false,
      error: '--port must be a port number 0–65535, not "abc"',
    });
    expect(parseStartOptions(['--port', '70000'], {})).toMatchObject({ error: expect.stringContaining('70000') });
    expect(parseStartOptions([], { PORT: '-1' })).toMatchObject({ error: expect.stringContaining('PORT must be') });
    expect(parseStartOptions(['--prot', '1'], {})).toMatchObject({ error: expect.stringContaining('--prot') });
  });

  it('listens on the port given with --port', async () => {
    const port = await busyPort();
    await new Promise((resolve) => blockers.pop()!.close(resolve)); // now free (for a moment)
    const run = start(['--port', String(port)]);
    const deadline = Date.now() + 30_000;
    while (!run.output().includes(`PolySocket playground: http://127.0.0.1:${port}/`)) {
      if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start printed: ${run.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('PolySocket playground');
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
  }, 40_000);

  it('on a busy port prints a one-line hint and exits 1, with no stack trace', async () => {
    const port = await busyPort();
    const run = start([`--port=${port}`]);
    expect(await run.exit).toBe(1);
    expect(run.output().trim()).toBe(busyPortHint(port, '127.0.0.1', 'EADDRINUSE'));
    expect(run.output()).toContain(`PORT=${port + 1} npm start, or npm start -- --port ${port + 1}`);
  }, 40_000);

  it('on a busy $PORT too', async () => {
    const port = await busyPort();
    const run = start([], { PORT: String(port) });
    expect(await run.exit).toBe(1);
    expect(run.output().trim().split('\n')).toEqual([busyPortHint(port, '127.0.0.1', 'EADDRINUSE')]);
  }, 40_000);
});
