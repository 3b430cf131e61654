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

const server = new MockServer({
  host: values.host,
  modules: defaultModules(),
  log: values.quiet ? undefined : (line) => console.log(`[mock] ${line}`),
});
const modules = server.faults.targetNames().join('|');

if (values.help) {
  console.log(`polysocket-mock [--port 8080] [--host 127.0.0.1] [--quiet]

Starts the PolySocket mock server. Fault injection over HTTP:
  POST /_mock/faults/drop | silence            every connection, or one module's: ?module=${modules}
  POST /_mock/faults/delay?ms=N | refuse?ms=N | restart?ms=N | reset     server-wide
  GET  /_mock/endpoints`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

try {
  await server.listen(port);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
  const other = port > 0 && port < 65535 ? port + 1 : 0;
  console.error(
    `polysocket-mock: port ${port} on ${values.host} is ${code === 'EACCES' ? 'not allowed' : 'in use'}; try polysocket-mock --port ${other}`,
  );
  process.exit(1);
}
console.log(`PolySocket mock server on ${server.url}`);
for (const endpoint of server.endpoints()) console.log(`  ${endpoint.name.padEnd(13)} ${endpoint.url}`);
console.log(`  faults        POST ${server.url}/_mock/faults/{drop,silence}[?module=${modules}]`);
console.log(`                POST ${server.url}/_mock/faults/{delay?ms=,refuse?ms=,restart?ms=,reset}`);

const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
