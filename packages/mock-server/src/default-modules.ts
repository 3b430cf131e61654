import { echoModule } from './echo-module';
import { foonyModule } from './foony/foony-module';
import { ignisModule } from './ignis/ignis-module';
import type { ProtocolModule } from './protocol-module';
import { sockrModule } from './sockr/sockr-module';

/**
 * Every backend the mock server speaks, as the CLI and the playground mount them: Foony at /foony
 * (with a `ticks` channel counting every 500 ms once subscribed), Ignis at /ignis and, requiring
 * encryption, at /ignis-secure, Sockr (Socket.IO) at /socket.io/, and a raw echo at /echo.
 */
export function defaultModules(): ProtocolModule[] {
  return [
    foonyModule({ ticker: { channel: 'ticks', intervalMs: 500 }, historyLimit: 5000, keepAliveMs: 5000 }),
    ignisModule(),
    ignisModule({ path: '/ignis-secure', requireEncryption: true }),
    sockrModule(),
    echoModule(),
  ];
}
