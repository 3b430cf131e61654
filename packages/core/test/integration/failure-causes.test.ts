import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, webSocketTransport, type PolySocketError } from '@polysocket/core';
import { echoProtocol } from '../helpers/echo-protocol';

// Issue 14, item 3, over real sockets with `ws`: a dead port and a wrong path say so.

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function client(url: string): { connection: Connection<unknown, unknown, unknown>; errors: PolySocketError[] } {
  const connection = new Connection({
    protocol: echoProtocol() as never,
    transport: webSocketTransport({ url }),
    backoff: { initialDelayMs: 50, minDelayMs: 20 },
    browser: { network: null, document: null },
  });
  const errors: PolySocketError[] = [];
  connection.on('error', (error) => errors.push(error));
  return { connection, errors };
}

describe('failed attempts over real sockets say why', () => {
  it('a refused port: every attempt emits DISCONNECTED whose cause is ECONNREFUSED', async () => {
    const port = await listen(createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve)); // nothing listens there now
    const { connection, errors } = client(`ws://127.0.0.1:${port}/x`);
    void connection.connect().catch(() => undefined);
    await new Promise((resolve) => connection.on('reconnecting', (event) => event.attempt >= 2 && resolve(undefined)));
    connection.close();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const error of errors) {
      expect(error.code).toBe('DISCONNECTED');
      expect(error.message).toContain('ECONNREFUSED');
      expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
    }
  });

  it('HTTP 404 on the upgrade (a wrong path): failed after one request, NOT_FOUND naming 404', async () => {
    let requests = 0;
    const server = createServer((_, res) => res.end());
    server.on('upgrade', (_req, socket) => {
      requests++;
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const port = await listen(server);
    const { connection } = client(`ws://127.0.0.1:${port}/wrong-path`);
    await expect(connection.connect()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      backendCode: 404,
      retryable: false,
      message: expect.stringContaining('HTTP 404'),
    });
    expect(connection.state).toBe('failed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests).toBe(1);
  });

  it('HTTP 503 on the upgrade is retried with the status in each error', async () => {
    let requests = 0;
    const server = createServer((_, res) => res.end());
    server.on('upgrade', (_req, socket) => {
      requests++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    const port = await listen(server);
    const { connection, errors } = client(`ws://127.0.0.1:${port}/busy`);
    void connection.connect().catch(() => undefined);
    await new Promise((resolve) => connection.on('reconnecting', (event) => event.attempt >= 2 && resolve(undefined)));
    connection.close();
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({
      code: 'DISCONNECTED',
      backendCode: 503,
      message: expect.stringContaining('HTTP 503'),
    });
  });
});
