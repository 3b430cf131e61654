import { PolySocketError } from './errors';

/**
 * Calls an app's credential provider (a token callback, an auth payload provider) with a deadline.
 * Every failure — a throw, a rejection, no answer within `timeoutMs`, or a value `valid` refuses — is a
 * retryable AUTH_FAILED naming the provider, so the attempt backs off and asks again.
 */
export async function fetchCredentials<T>(
  name: string,
  provider: () => T | Promise<T>,
  options: { timeoutMs: number; valid: (value: unknown) => boolean; expected: string },
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(provider),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PolySocketError('AUTH_FAILED', `${name} did not settle within ${options.timeoutMs} ms`, { retryable: true })),
          options.timeoutMs,
        );
      }),
    ]);
    if (!options.valid(value)) throw new PolySocketError('AUTH_FAILED', `${name} must return ${options.expected}`, { retryable: true });
    return value;
  } catch (error) {
    if (error instanceof PolySocketError) throw error;
    throw new PolySocketError('AUTH_FAILED', `${name} failed`, { retryable: true, cause: error });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}
