import { echoModule } from './echo-module';
import { foonyModule, type FoonyMockOptions } from './foony/foony-module';
import { ignisModule } from './ignis/ignis-module';
import type { ProtocolModule } from './protocol-module';
import { sockrModule, type SockrMockOptions } from './sockr/sockr-module';

/** Overrides for the default modules, e.g. shorter liveness settings for a demo. */
export interface DefaultModulesOptions {
  /** Merged over Foony's defaults (`keepAliveMs` 5000, ticker, history 5000). */
  foony?: FoonyMockOptions;
  /** Passed to the Sockr module, e.g. `{ pingInterval: 2000, pingTimeout: 2000 }` (default socket.io's 25 000 / 20 000). */
  sockr?: SockrMockOptions;
}

/**
 * Every backend the mock server speaks, as the CLI and the playground mount them: Foony at /foony
 * (with a `ticks` channel counting every 500 ms once subscribed), Ignis at /ignis and, requiring
 * encryption, at /ignis-secure, Sockr (Socket.IO) at /socket.io/, and a raw echo at /echo.
 */
export function defaultModules(options: DefaultModulesOptions = {}): ProtocolModule[] {
  return [
    foonyModule({
      ticker: { channel: 'ticks', intervalMs: 500 },
      historyLimit: 5000,
      keepAliveMs: 5000,
      ...options.foony,
    }),
    ignisModule(),
    ignisModule({ path: '/ignis-secure', requireEncryption: true }),
    sockrModule(options.sockr),
    echoModule(),
  ];
}
