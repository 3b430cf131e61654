import { echoModule } from './echo-module';
import { foonyModule } from './foony/foony-module';
import { ignisModule } from './ignis/ignis-module';
import { sockrModule } from './sockr/sockr-module';
import type { ProtocolModule } from './protocol-module';

/** Every backend the mock server speaks, as the CLI and the playground mount them. */
export function defaultModules(): ProtocolModule[] {
  return [foonyModule(), ignisModule(), sockrModule(), echoModule()];
}
