import { afterEach, describe, expect, it } from 'vitest';
import type { DisconnectEvent, PolySocketError } from '@polysocket/core';
import { foonyWorld, sleep, type FoonyWorld } from '../helpers/setup';

let world: FoonyWorld;
afterEach(async () => {
  await world?.close();
});

describe('Foony frame size limit (core maxMessageSize; Foony default 1 MiB)', () => {
  it('a publish over the limit rejects TOO_LARGE with an error event; nothing is written, the link stays up, the next publish works', async () => {
    world = await foonyWorld();
    const client = world.client();
    const errors: PolySocketError[] = [];
    const drops: DisconnectEvent[] = [];
    client.on('error', (e) => errors.push(e));
    client.on('disconnected', (e) => drops.push(e));
    await client.connect();
    const chat = client.channel('chat');
    await expect(chat.publish('big', 'x'.repeat(20 * 1024 * 1024))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      retryable: false,
    });
    expect(errors.map((e) => e.code)).toEqual(['TOO_LARGE']);
    await expect(chat.publish('big', 'x'.repeat(1024 * 1024))).rejects.toMatchObject({ code: 'TOO_LARGE' }); // just over, with the frame around it
    await chat.publish('small', 'fits');
    await sleep(50);
    expect(drops).toEqual([]);
    expect(client.state).toBe('connected');
    expect(world.foony.historyOf('chat').map((m) => m.name)).toEqual(['small']);
  });

  it('presence data over the limit is refused the same way', async () => {
    world = await foonyWorld();
    const client = world.client();
    await client.connect();
    const presence = client.channel('room').presence;
    await expect(presence.enter('x'.repeat(2 * 1024 * 1024))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(presence.isPresent).toBe(false); // not re-entered after a reconnect (a restore would not be size-checked)
    await presence.enter('small');
    await expect(presence.update('x'.repeat(2 * 1024 * 1024))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    expect(presence.ownEntry).toEqual({ data: 'small' });
    expect(client.state).toBe('connected');
  });

  it('the app’s maxMessageSize lowers it', async () => {
    world = await foonyWorld();
    const client = world.client({ maxMessageSize: 1000 });
    await client.connect();
    await expect(client.channel('chat').publish('n', 'x'.repeat(1000))).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringContaining('1000-byte'),
    });
    await client.channel('chat').publish('n', 'x'.repeat(900));
  });
});
