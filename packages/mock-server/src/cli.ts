import { parseArgs } from 'node:util';
import { defaultModules } from './default-modules';
import { MockServer } from './server';

const { values } = parseArgs({
  options: {
    port: { type: 'string', short: 'p', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    quiet: { type: 'boolean', short: 'q', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`polysocket-mock [--port 8080] [--host 127.0.0.1] [--quiet]

Starts the PolySocket mock server. Fault injection over HTTP:
  POST /_mock/faults/drop | silence | reset
  POST /_mock/faults/delay?ms=N | refuse?ms=N | restart?ms=N
  GET  /_mock/endpoints`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const server = new MockServer({
  host: values.host,
  port,
  modules: defaultModules(),
  log: values.quiet ? undefined : (line) => console.log(`[mock] ${line}`),
});

await server.listen();
console.log(`PolySocket mock server on ${server.url}`);
for (const endpoint of server.endpoints()) console.log(`  ${endpoint.name.padEnd(13)} ${endpoint.url}`);
console.log(`  faults        POST ${server.url}/_mock/faults/{drop,silence,delay?ms=,refuse?ms=,restart?ms=,reset}`);

const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
