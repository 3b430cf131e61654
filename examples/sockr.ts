// Two Sockr users: login, a direct message with its receipt, a group, and a call's signalling.
//
//   npx tsx examples/sockr.ts                          # starts an embedded mock Sockr server
//   npx tsx examples/sockr.ts http://127.0.0.1:8080    # or `npm start`'s server
import { MockServer, sockrModule } from '@polysocket/mock-server';
import { SockrClient, sockrCalls } from '@polysocket/sockr';

export async function main(url?: string, log: (line: string) => void = console.log): Promise<string[]> {
  let server: MockServer | undefined;
  if (!url) {
    server = new MockServer({ modules: [sockrModule()] });
    await server.listen();
    url = server.url;
  }
  const seen: string[] = [];
  // The mock accepts `token:<userId>`. Calls are a module the app passes in (`calls: sockrCalls`).
  const alice = new SockrClient({ url, token: 'token:alice', calls: sockrCalls });
  const bob = new SockrClient({ url, token: 'token:bob', calls: sockrCalls });
  try {
    await Promise.all([alice.connect(), bob.connect()]);
    log(`logged in as ${alice.getUserId()} and ${bob.getUserId()}`);

    bob.on('message', (message) => {
      seen.push(message.content);
      log(`bob got "${message.content}" from ${message.from}`);
      bob.markMessageRead(message.messageId, message.from);
    });
    const read = new Promise((resolve) => alice.once('message_read', resolve));
    const { messageId } = await alice.sendMessage('bob', 'hello bob'); // resolves with the server's id
    log(`accepted as ${messageId}`);
    await read;
    log('bob read it');

    const group = await alice.createGroup('weekend', ['bob']);
    bob.on('group_message', (message) => seen.push(message.content));
    await alice.sendGroupMessage(group.id, 'who is in?');

    bob.on('call', (call) => {
      log(`bob: incoming call from ${call.peer}`);
      call.answer('v=0 (bob’s SDP answer)');
    });
    const call = alice.call('bob', 'v=0 (alice’s SDP offer)');
    const answer = await new Promise<string>((resolve) => call.once('answered', resolve));
    log(`alice: call ${call.state}, answer "${answer}"`);
    call.hangUp();

    await new Promise((resolve) => setTimeout(resolve, 100));
    return seen;
  } finally {
    alice.close();
    bob.close();
    await server?.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
