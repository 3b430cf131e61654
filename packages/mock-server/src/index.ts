export { MockServer, Faults } from './server';
export type { Endpoint, MockServerOptions } from './server';
export { MockConnection } from './mock-connection';
export type { ProtocolModule } from './protocol-module';
export { echoModule } from './echo-module';
export { defaultModules } from './default-modules';
export { FoonyMock, foonyModule } from './foony/foony-module';
export type { FoonyMockOptions } from './foony/foony-module';
