import { afterEach, describe, expect, it } from 'vitest';
import { foonyWorld, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
afterEach(async () => {
  await world?.close();
});

describe('Foony auth frame', () => {
  it('sends the app’s clientId with a static token', async () => {
    world = await foonyWorld();
    await world.client({ clientId: 'device-7' }).connect();
    expect(world.foony.authLog).toEqual([{ token: 'valid-token', clientId: 'device-7' }]);
  });

  it('sends the app’s clientId with an authCallback token', async () => {
    world = await foonyWorld();
    const token = world.foony.issueToken('alice');
    await world.client({ token: undefined, authCallback: () => token, clientId: 'device-8' }).connect();
    expect(world.foony.authLog).toEqual([{ token, clientId: 'device-8' }]);
  });

  it('sends it with a key, and leaves it out when the app gives none', async () => {
    world = await foonyWorld();
    await world.client({ token: undefined, key: 'app.key:secret', clientId: 'worker-1' }).connect();
    await world.client().connect();
    expect(world.foony.authLog).toEqual([{ key: 'app.key:secret', clientId: 'worker-1' }, { token: 'valid-token' }]);
  });
});
