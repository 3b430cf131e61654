// An Ignis client end to end: authenticate, rooms that survive a reconnect, requests, encryption.
//
//   npx tsx examples/ignis.ts                                  # starts an embedded mock server
//   npx tsx examples/ignis.ts ws://127.0.0.1:8080/ignis-secure # or `npm start`'s server (its endpoint that encrypts)
import { IgnisClient, ignisEncryption } from '@polysocket/ignis';
import { ignisModule, MockServer } from '@polysocket/mock-server';

export async function main(url?: string, log: (line: string) => void = console.log): Promise<string[]> {
  let server: MockServer | undefined;
  const ignis = ignisModule({ requireEncryption: true });
  if (!url) {
    server = new MockServer({ modules: [ignis] });
    await server.listen();
    url = server.wsUrl('/ignis');
  }
  const seen: string[] = [];
  // `ignisEncryption()`: ECDH P-256 + HKDF-SHA-256 + AES-256-GCM on WebCrypto, as the Ignis helper does it (an
  // optional module: a client without it carries no encryption code).
  const client = new IgnisClient({
    url,
    auth: { token: 'good-token' },
    rooms: ['lobby'],
    encryption: ignisEncryption(),
  });
  client.on('state', (state) => log(`state: ${state}`));
  client.on('error', (error) => log(`error: ${error.code} ${error.message}`));
  client.on('room-message', (data) => {
    seen.push(String((data as { text: string }).text));
    log(`room message: ${JSON.stringify(data)}`);
  });
  try {
    await client.connect();
    log(
      `connected: clientId ${client.session?.clientId}, userId ${client.session?.userId}, encrypted ${client.session?.encrypted}`,
    );

    // The server app in the mock echoes the request id, so request() gets its own reply.
    const reply = await client.request('echo', { question: 'ping?' }, { timeoutMs: 2000 });
    log(`reply: ${JSON.stringify(reply.data)}`);

    client.join('game-42');
    if (server) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ignis.sendToRoom('game-42', 'room-message', { text: 'before the drop' });
      // Drop the link: the client reconnects with backoff, re-authenticates, derives a new key and
      // re-joins lobby and game-42 (the server never confirms joins, so the client keeps the set).
      const back = new Promise((resolve) => client.once('connected', resolve));
      server.faults.drop();
      await back;
      await new Promise((resolve) => setTimeout(resolve, 50));
      ignis.sendToRoom('game-42', 'room-message', { text: 'after the drop' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return seen;
  } finally {
    client.close();
    await server?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
