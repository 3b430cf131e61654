import { PolySocketError } from '@polysocket/core';

const STRICT = /^[A-Za-z0-9:_-]{1,255}$/;
// Control characters and whitespace make names that no server accepts and no log shows right.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CHARS = /[\u0000-\u0020\u007f]/;

/**
 * Throws INVALID for a name the client should never send. The seed server's grammar is unknown, so
 * the default is loose (1–255 characters, no whitespace or control characters); `strict` applies
 * the grammar of later Foony servers (`[A-Za-z0-9:_-]`, not starting with ':').
 */
export function validateChannelName(name: unknown, strict = false): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new PolySocketError('INVALID', 'a channel name must be a non-empty string');
  }
  if (name.length > 255)
    throw new PolySocketError('INVALID', `channel name too long (${name.length} > 255 characters)`);
  if (FORBIDDEN_CHARS.test(name)) {
    throw new PolySocketError(
      'INVALID',
      `channel name ${JSON.stringify(name)} contains whitespace or control characters`,
    );
  }
  if (strict && (!STRICT.test(name) || name.startsWith(':'))) {
    throw new PolySocketError(
      'INVALID',
      `channel name ${JSON.stringify(name)} must match [A-Za-z0-9:_-] and not start with ':'`,
    );
  }
}

/** An optional module: client-side channel-name rules. The client runs it on each new channel name; it throws INVALID. */
export type ChannelNameRules = (name: string) => void;

/** Loose names (1–255 characters, no whitespace or control characters): `channelNames: looseChannelNames`. */
export const looseChannelNames: ChannelNameRules = (name) => validateChannelName(name);

/** The grammar of later Foony servers (`[A-Za-z0-9:_-]{1,255}`, no leading `:`): `channelNames: strictChannelNames`. */
export const strictChannelNames: ChannelNameRules = (name) => validateChannelName(name, true);
