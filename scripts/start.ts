// `npm start`: the mock server (Foony, Ignis, Sockr) and the playground page, on 127.0.0.1.
import { busyPortHint, parseStartOptions, START_USAGE } from './start-options';
import { startPlayground } from './playground';

const options = parseStartOptions(process.argv.slice(2), process.env);
if (options.help) {
  console.log(START_USAGE);
  process.exit(0);
}
if ('error' in options) {
  console.error(`npm start: ${options.error}\n\n${START_USAGE}`);
  process.exit(2);
}

const host = '127.0.0.1';
let started: Awaited<ReturnType<typeof startPlayground>>;
try {
  started = await startPlayground({ port: options.port, host, log: (line) => console.log(`[mock] ${line}`) });
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
  console.error(busyPortHint(options.port, host, code));
  process.exit(1);
}
const { server, url } = started;
console.log(`\nPolySocket playground: ${url}\n`);
for (const endpoint of server.endpoints())
  if (endpoint.name !== 'static') console.log(`  ${endpoint.name.padEnd(18)} ${endpoint.url}`);
console.log(
  `  faults             POST ${server.url}/_mock/faults/{drop,silence}[?module=${server.faults.targetNames().join('|')}]`,
);
console.log(`                     POST ${server.url}/_mock/faults/{delay?ms=,refuse?ms=,restart?ms=,reset}`);
const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
