import { createServer, type Server } from 'node:http';
import { inspect } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { Logger, PolySocketError } from '@polysocket/core';
import { SocketIOClient, type TransportName, socketioPolling } from '@polysocket/socketio';
import { startIo, waitFor, type IoServer } from '../helpers/servers';

// Issue 14: every credential the app hands over is a secret — auth values (static, from a function,
// nested), query values (also in the url) — and must reach no log line, error, or util.inspect output.

const SECRETS = ['query-secret-1', 'url-secret-2', 'auth-secret-3', 'nested-secret-4', 'fn-secret-5', 'nsp-secret-6'];

let io: IoServer | undefined;
let echo: Server | undefined;
const clients: SocketIOClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await io?.close();
  io = undefined;
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  echo = undefined;
});

/** A logger that keeps every line, with its details rendered. */
function recordingLogger(): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      void lines.push(`${level} ${message} ${inspect(details, { depth: 10 })}`);
  return {
    logger: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
    text: () => lines.join('\n'),
  };
}

function errorText(errors: PolySocketError[]): string {
  return errors.map((error) => inspect(error, { depth: 10, showHidden: true })).join('\n');
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
}

function client(url: string, transports: TransportName[], logger: Logger): SocketIOClient {
  const c = new SocketIOClient({
    url: `${url}/?session=url-secret-2`,
    transports,
    polling: socketioPolling,
    autoConnect: false,
    query: { token: 'query-secret-1' },
    auth: (cb) => cb({ token: 'fn-secret-5', deep: { inner: ['nested-secret-4'] } }),
    logger,
    backoff: { initialDelayMs: 20, maxDelayMs: 50, minDelayMs: 10 },
    browser: { network: null, document: null },
  });
  clients.push(c);
  return c;
}

it('a server echoing the query in its HTTP error (polling handshake) leaks it to no log line or error', async () => {
  echo = createServer((request, response) =>
    response.writeHead(403, { connection: 'close' }).end(`forbidden: ${decodeURIComponent(request.url ?? '')}`),
  );
  await new Promise<void>((resolve) => echo!.listen(0, '127.0.0.1', resolve));
  const address = echo.address();
  const { logger, text } = recordingLogger();
  const c = client(
    `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    ['polling'],
    logger,
  );
  const errors: PolySocketError[] = [];
  c.onLifecycle('error', (error) => errors.push(error));
  const ended = c.connect().catch((error: PolySocketError) => errors.push(error));
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 1000))]);
  expect(text()).toMatch(/403/); // the failure itself is logged
  expectNoSecret(text(), 'the log');
  expectNoSecret(errorText(errors), 'an error');
});

it('a middleware refusal echoing the auth payload leaks it to no log line or error', async () => {
  io = await startIo({}, (server) =>
    server.use((socket, next) =>
      next(
        Object.assign(
          new Error(`refused ${JSON.stringify(socket.handshake.auth)} ${JSON.stringify(socket.handshake.query)}`),
          { data: {} },
        ),
      ),
    ),
  );
  const { logger, text } = recordingLogger();
  const c = client(io.url, ['websocket'], logger);
  const errors: PolySocketError[] = [];
  c.onLifecycle('error', (error) => errors.push(error));
  c.on('connect_error', (error: PolySocketError) => errors.push(error));
  await c.connect().catch((error: PolySocketError) => errors.push(error));
  expect(errors.length).toBeGreaterThan(0);
  expectNoSecret(text(), 'the log');
  expectNoSecret(errors.map((error) => error.message).join('\n'), 'an error message');
});

it('util.inspect and console.log of a client and its namespaces show no credential', async () => {
  io = await startIo({}, (server) => server.of('/admin'));
  const { logger } = recordingLogger();
  const c = new SocketIOClient({
    url: `${io.url}/?session=url-secret-2`,
    transports: ['websocket'],
    autoConnect: false,
    query: { token: 'query-secret-1' },
    auth: { token: 'auth-secret-3', deep: { inner: 'nested-secret-4' } },
    logger,
    browser: { network: null, document: null },
  });
  clients.push(c);
  const admin = c.socket('/admin', { auth: { key: 'nsp-secret-6' } });
  await c.connect();
  await waitFor(() => admin.connected, 'the admin namespace');
  for (const options of [{}, { depth: 10, showHidden: true }, { depth: Infinity, showHidden: true, getters: true }]) {
    expectNoSecret(inspect(c, options), `inspect(client, ${JSON.stringify(options)})`);
    expectNoSecret(inspect(admin, options), `inspect(namespace, ${JSON.stringify(options)})`);
  }
  expect(inspect(c)).toMatch(/SocketIOClient/);
  expect(inspect(c)).toMatch(/connected/);
});
