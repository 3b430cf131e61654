import { existsSync } from 'node:fs';
import type { Browser, LaunchOptions } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether Debian's Chromium is here. Without it the browser tests say so loudly and skip; in CI a missing
 * browser is a failure, never a silent skip.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM}: the browser tests cannot run (apt-get install chromium).`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n⚠️  ${message} SKIPPING the browser tests on this machine.\n`);
  return false;
}

/** Headless Debian Chromium, quiet (no background networking, updates or sync), driven by playwright-core. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.args ?? []),
    ],
  });
}
