import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startPlayground } from '../../scripts/playground';
import { chromiumAvailable, launchChromium } from './support/chromium';

// The React example as `npm start` serves it (/react.html: examples/react bundled with React), in Chromium.
describe.skipIf(!chromiumAvailable())('the React example page in headless Chromium', () => {
  let playground: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Browser;
  const problems: string[] = [];
  const open = async (user: string): Promise<Page> => {
    const page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(`${playground.url}react.html?user=${user}`);
    return page;
  };

  beforeAll(async () => {
    playground = await startPlayground();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.close();
  });

  it('two users in two pages see each other and the message one of them sends', async () => {
    const ana = await open('ana');
    const ben = await open('ben');
    for (const page of [ana, ben])
      await page.getByTestId('members').getByText('here: ana, ben').waitFor({ timeout: 15_000 });
    expect(await ana.getByTestId('state').innerText()).toBe('connected');
    await ana.getByLabel('message').fill('hi from ana');
    await ana.getByText('send').click();
    for (const page of [ana, ben])
      await page.getByTestId('messages').getByText('ana: hi from ana').waitFor({ timeout: 15_000 });
    expect(await ben.getByTestId('messages').locator('li').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
