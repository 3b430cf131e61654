import type { RedactingLogger } from '@polysocket/core';

/** Every string in an auth payload, however deeply nested, is a secret (at most 1000 objects; cycles are fine). */
export function registerSecrets(logger: RedactingLogger, value: unknown, seen = new Set<unknown>()): void {
  if (typeof value === 'string') logger.addSecret(value);
  else if (value !== null && typeof value === 'object' && !seen.has(value) && seen.size < 1000) {
    seen.add(value);
    for (const item of Object.values(value)) registerSecrets(logger, item, seen);
  }
}
