// A browser app (bundler resolution, DOM lib, no @types/node): the client packages' types must not need
// Node's. Typechecked only, never run.
import { createClient } from 'polysocket';
import { FoonyClient } from '@polysocket/foony';

const sockr = createClient({ protocol: 'sockr', url: location.origin, token: 'token:page' });
sockr.once('message', (m) => document.body.append(`${m.from}: ${m.content}\n`));
// @ts-expect-error a bogus event name must be an error
sockr.on('totally-bogus-event', () => undefined);

const foony = new FoonyClient({ url: 'ws://127.0.0.1:8080/foony', token: 'valid-token' });
foony.channel('chat').on('state', (state) => (document.title = state));
// @ts-expect-error a bogus event name must be an error
foony.channel('chat').on('totally-bogus-event', () => undefined);
void Promise.all([sockr.connect(), foony.connect()]);
