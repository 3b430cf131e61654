// `npm start`: the mock server (Foony, Ignis, Sockr) and the playground page, on 127.0.0.1.
import { startPlayground } from './playground';

const port = Number(process.env.PORT ?? process.argv[2] ?? 8080);
const { server, url } = await startPlayground({ port, log: (line) => console.log(`[mock] ${line}`) });
console.log(`\nPolySocket playground: ${url}\n`);
for (const endpoint of server.endpoints()) if (endpoint.name !== 'static') console.log(`  ${endpoint.name.padEnd(18)} ${endpoint.url}`);
console.log(`  faults             POST ${server.url}/_mock/faults/{drop,silence,delay?ms=,refuse?ms=,restart?ms=,reset}[&module=foony|ignis|sockr]`);
const stop = async (): Promise<void> => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
