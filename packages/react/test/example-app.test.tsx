import { cleanup, fireEvent, render, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatApp } from '../../../examples/react/chat-app';
import { startWorld, type World } from './support';

// The React example app (examples/react, served by `npm start` at /react.html) runs: two users, one room.
let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  cleanup();
  await world.close();
});

describe('examples/react/chat-app.tsx', () => {
  it('connects two users who see each other, and a message sent by one reaches both, each once', async () => {
    const ana = within(render(<ChatApp url={world.foonyUrl} user="ana" />).container);
    const ben = within(render(<ChatApp url={world.foonyUrl} user="ben" />).container);
    await waitFor(() => expect(ana.getByTestId('state').textContent).toBe('connected'));
    await waitFor(() => expect(ben.getByTestId('members').textContent).toBe('here: ana, ben'));
    await waitFor(() => expect(ana.getByTestId('members').textContent).toBe('here: ana, ben'));

    fireEvent.change(ana.getByLabelText('message'), { target: { value: 'hello ben' } });
    fireEvent.click(ana.getByText('send'));
    await waitFor(() => expect(ana.getByTestId('sends').textContent).toBe('hello ben: fulfilled'));
    for (const user of [ana, ben])
      await waitFor(() =>
        expect(
          within(user.getByTestId('messages'))
            .getAllByRole('listitem')
            .map((li) => li.textContent),
        ).toEqual(['ana: hello ben']),
      );
  });
});
