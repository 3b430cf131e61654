// A new user's first app as CommonJS: `polysocket` installed from the packed tarballs into a fresh
// project (scripts/check-install.mjs copies this file there), run against `npm start`'s mock server.
// Usage: node app.cjs [http://127.0.0.1:8080]. Prints one line per round trip; exits 0 by itself once
// every client is closed (a timer or socket left open would keep it running).
const { createClient } = require('polysocket');

async function main() {
  const http = process.argv[2] || 'http://127.0.0.1:8080';
  const ws = http.replace(/^http/, 'ws');
  console.log(`resolved: ${require.resolve('polysocket')}`);

  const foony = createClient({ protocol: 'foony', url: `${ws}/foony`, token: 'valid-token' });
  await foony.connect();
  const channel = foony.channel('install-check-cjs');
  const published = new Promise((resolve) => channel.subscribe((message) => resolve(message)));
  await channel.publish('text', 'hello from cjs');
  const message = await published;
  console.log(`foony: ${message.name} ${JSON.stringify(message.data)}`);
  foony.close();

  const ignis = createClient({ protocol: 'ignis', url: `${ws}/ignis`, auth: { token: 'good-token' } });
  await ignis.connect();
  const reply = await ignis.request('echo', { from: 'cjs' }, { timeoutMs: 5000 });
  console.log(`ignis: ${JSON.stringify(reply.data)}`);
  ignis.close();

  const ana = createClient({ protocol: 'sockr', url: http, token: 'token:ana-cjs' });
  const ben = createClient({ protocol: 'sockr', url: http, token: 'token:ben-cjs' });
  await Promise.all([ana.connect(), ben.connect()]);
  const delivered = new Promise((resolve) => ben.once('message', resolve));
  await ana.sendMessage('ben-cjs', 'hi from cjs');
  console.log(`sockr: ${JSON.stringify((await delivered).content)}`);
  ana.close();
  ben.close();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
