// A Foony client end to end: connect, subscribe, publish, presence, history, resume after a drop.
//
//   npx tsx examples/foony.ts                 # starts an embedded mock server
//   npx tsx examples/foony.ts ws://127.0.0.1:8080/foony   # or use `npm start`'s server
import { FoonyClient, foonyPresence } from '@polysocket/foony';
import { foonyModule, MockServer } from '@polysocket/mock-server';

export async function main(url?: string, log: (line: string) => void = console.log): Promise<string[]> {
  let server: MockServer | undefined;
  if (!url) {
    server = new MockServer({ modules: [foonyModule()] });
    await server.listen();
    url = server.wsUrl('/foony');
  }
  const received: string[] = [];
  // Presence is an optional module: pass it in to use `channel.presence`.
  const client = new FoonyClient({ url, token: 'valid-token', presence: foonyPresence });
  client.on('state', (state) => log(`state: ${state}`));
  try {
    await client.connect();
    log(`connected as ${client.session?.clientId} (${client.session?.connectionId})`);

    const chat = client.channel('chat');
    chat.subscribe((message) => {
      received.push(String(message.data));
      log(`message ${message.messageId}: ${JSON.stringify(message.data)}`);
    });
    chat.presence.subscribe(({ action, member }) => log(`presence ${action}: ${member.clientId}`));
    await chat.presence.enter({ status: 'online' });

    await chat.publish('text', 'hello');
    await chat.publish('text', 'world');

    // Drop the link: the client reconnects, re-subscribes from the last message it saw, and
    // receives what was published meanwhile exactly once.
    if (server) {
      const down = new Promise((resolve) => client.once('disconnected', resolve));
      server.faults.drop();
      await down;
      // Made while disconnected: it waits in the outbox and goes out after the channel is restored.
      // (A publish written just before a drop is noticed rejects with DISCONNECTED, maybeDelivered:
      // true, unless you pass { resendSafe: true }.)
      await chat.publish('text', 'sent while reconnecting');
    }
    await new Promise((resolve) => setTimeout(resolve, 300));

    const page = await chat.history({ limit: 10 });
    log(`history: ${page.messages.map((m) => JSON.stringify(m.data)).join(', ')}`);
    return received;
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
