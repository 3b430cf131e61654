/**
 * One Node server speaking PolySocket's backends (Foony, Ignis, Sockr) with fault injection, for tests and
 * demos.
 *
 * @packageDocumentation
 * @module @polysocket/mock-server
 */
export { MockServer, Faults } from './server';
export type { Endpoint, MockServerOptions } from './server';
export { MockConnection } from './mock-connection';
export type { ProtocolModule } from './protocol-module';
export { echoModule } from './echo-module';
export { defaultModules } from './default-modules';
export type { DefaultModulesOptions } from './default-modules';
export { FoonyMock, foonyModule } from './foony/foony-module';
export type { FoonyMockOptions, FoonyRequestCounts, FoonySessionInfo } from './foony/foony-module';
export { IgnisMock, ignisModule } from './ignis/ignis-module';
export type { IgnisAuthResult, IgnisClientInfo, IgnisMockOptions } from './ignis/ignis-module';
export { ServerEcdh } from './ignis/ecdh';
export { SockrMock, sockrModule } from './sockr/sockr-module';
export type { SockrMockOptions } from './sockr/sockr-module';
export type { SockrUserFaults } from './sockr/sockr-link';
export { staticModule } from './static-module';
