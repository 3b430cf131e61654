import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { Server } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@polysocket/core';
import { SockrClient, type SockrClientOptions } from '@polysocket/sockr';
import { hostileServer } from '../helpers/hostile';
import { sockrWorld, waitFor, type SockrWorld } from '../helpers/setup';

const STATIC_TOKEN = 'tok_static_9f8e7d6c5b4a';
const ROTATED = ['tok_rotated_first_1a2b3c', 'tok_rotated_second_4d5e6f'];

/** Everything a token must never reach: log lines, `error` events, rejections, `auth_error`, inspect output. */
function recorder() {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, ...details: unknown[]) =>
      lines.push(`${level} ${message} ${inspect(details, { depth: 5 })}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    lines,
    logger,
    watch(client: SockrClient): void {
      client.on('error', (error) =>
        lines.push(`error event ${error.message} ${String(error.backendCode)} ${inspect(error, { depth: 5 })}`),
      );
      client.on('auth_error', (data) => lines.push(`auth_error event ${JSON.stringify(data)}`));
      client.on('disconnect', (reason) => lines.push(`disconnect ${reason}`));
    },
    inspected(client: SockrClient): void {
      lines.push(inspect(client), inspect(client, { depth: 10, showHidden: true }), String(client));
    },
  };
}

function expectNoToken(lines: string[], tokens: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const token of tokens) expect(lines.filter((line) => line.includes(token))).toEqual([]);
}

/** A Socket.IO server that refuses every token and quotes it in its auth_error, as a careless server might. */
async function echoingServer(): Promise<{ url: string; close(): Promise<void> }> {
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ['websocket', 'polling'] });
  io.on('connection', (socket) => {
    socket.on('authenticate', ({ token }: { token: string }) => {
      socket.emit('auth_error', { message: `Invalid authentication token: ${token}` });
      socket.disconnect(true);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => void io.close(() => resolve())),
  };
}

let world: SockrWorld | undefined;
let echoing: { url: string; close(): Promise<void> } | undefined;
afterEach(async () => {
  await world?.close();
  await echoing?.close();
  world = undefined;
  echoing = undefined;
});

describe('Sockr: tokens are secrets', () => {
  it('a static token never reaches a log line, an error, the auth_error event or util.inspect, even when the server quotes it', async () => {
    echoing = await echoingServer();
    const record = recorder();
    const client = new SockrClient({
      url: echoing.url,
      token: STATIC_TOKEN,
      autoConnect: false,
      logger: record.logger,
      browser: { network: null, document: null },
    });
    record.watch(client);
    record.inspected(client);
    const error = (await client.connect().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', message: 'Invalid authentication token: [redacted]' });
    record.lines.push(error.message, inspect(error, { depth: 5 }), JSON.stringify(error));
    record.inspected(client);
    client.close();
    expect(record.lines.some((line) => line.includes('auth_error event'))).toBe(true);
    expectNoToken(record.lines, [STATIC_TOKEN]);
  });

  it("util.inspect shows the url without its query or userinfo (credentials there are the app's too)", async () => {
    echoing = await echoingServer();
    const record = recorder();
    const client = new SockrClient({
      url: echoing.url.replace('//', '//user:tok_url_password@') + '/?apiKey=tok_url_query_key',
      token: STATIC_TOKEN,
      autoConnect: false,
      logger: record.logger,
      browser: { network: null, document: null },
    });
    record.inspected(client);
    client.close();
    expect(inspect(client)).toContain(`url: "${echoing.url}/"`);
    expectNoToken(record.lines, ['tok_url_password', 'tok_url_query_key', 'apiKey']);
  });

  it('every token getToken returns is a secret too: across logins and refusals', async () => {
    let issued = 0;
    world = await sockrWorld({ authenticate: (token) => (token === ROTATED[0] ? 'alice' : null) });
    const record = recorder();
    const options: Partial<SockrClientOptions> = { getToken: () => ROTATED[issued++], logger: record.logger };
    const client = world.client('alice', { ...options, token: undefined });
    record.watch(client);
    await client.connect();
    record.inspected(client);
    world.sockr.kick('alice'); // the next login uses the second token, which the server refuses
    await waitFor(() => client.state === 'failed', `failed (now ${client.state})`);
    record.inspected(client);
    expect(issued).toBe(2);
    expectNoToken(record.lines, ROTATED);

    echoing = await echoingServer();
    const refused = new SockrClient({
      url: echoing.url,
      getToken: async () => ROTATED[1],
      autoConnect: false,
      logger: record.logger,
      browser: { network: null, document: null },
    });
    record.watch(refused);
    const error = (await refused.connect().catch((e: unknown) => e)) as Error;
    record.lines.push(error.message, inspect(error, { depth: 5 }));
    record.inspected(refused);
    refused.close();
    expectNoToken(record.lines, ROTATED);
  });

  // The server's connect_error data became the error's cause as it was (a url query value in it); a token the
  // server quoted URL-encoded stayed in the auth_error event, the error's message and backendCode, and log lines.
  it("a connect_error's data is redacted in the error's cause (the url's query value quoted back)", async () => {
    echoing = await hostileServer(
      (query) => Object.assign(new Error(`refused ${String(query.key)}`), { data: { key: query.key } }),
      () => undefined,
    );
    const record = recorder();
    const client = new SockrClient({
      url: `${echoing.url}/?key=tok_url_query_key`,
      token: STATIC_TOKEN,
      autoConnect: false,
      logger: record.logger,
      browser: { network: null, document: null },
    });
    record.watch(client);
    const error = (await client.connect().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'AUTH_FAILED', cause: { key: '[redacted]' } });
    record.lines.push(error.message, inspect(error, { depth: 5 }));
    client.close();
    expect(record.lines.some((line) => line.includes('error event'))).toBe(true);
    expectNoToken(record.lines, ['tok_url_query_key']);
  });

  it('a token the server quotes percent- or form-encoded is redacted too (auth_error, message_error, errors, logs)', async () => {
    const token = 'tok&secret/static 9f8e';
    const encoded = [encodeURIComponent(token), new URLSearchParams({ t: token }).toString().slice(2)];
    let logins = 0;
    echoing = await hostileServer(
      () => undefined,
      (socket, quoted) => {
        const quotes = `${quoted} ${encodeURIComponent(quoted)} ${new URLSearchParams({ t: quoted }).toString().slice(2)}`;
        if (++logins === 1) {
          socket.emit('authenticated', { userId: 'me' });
          socket.emit('message_error', { error: `bad ${quotes}` });
          socket.disconnect(true);
        } else {
          socket.emit('auth_error', { message: `token ${quotes} expired` });
          socket.disconnect(true);
        }
      },
    );
    const record = recorder();
    const client = new SockrClient({
      url: echoing.url,
      token,
      autoConnect: false,
      logger: record.logger,
      backoff: { initialDelayMs: 10, maxDelayMs: 20 },
      browser: { network: null, document: null },
    });
    record.watch(client);
    client.on('message_error', (data) => record.lines.push(`message_error event ${JSON.stringify(data)}`));
    const first = (await client.connect().catch((e: unknown) => e)) as Error | undefined;
    if (first) record.lines.push(first.message, inspect(first, { depth: 5 }));
    await waitFor(() => client.state === 'failed', `failed (now ${client.state})`);
    const error = (await client.connect().catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: 'AUTH_FAILED' });
    record.lines.push(error.message, inspect(error, { depth: 5 }));
    record.inspected(client);
    client.close();
    expect(record.lines.some((line) => line.includes('message_error event'))).toBe(true);
    expect(record.lines.some((line) => line.includes('auth_error event'))).toBe(true);
    expectNoToken(record.lines, [token, ...encoded]);
  });
});
