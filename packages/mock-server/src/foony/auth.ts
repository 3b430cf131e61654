import { randomBytes } from 'node:crypto';
import { FoonyErrorCode } from './wire';

const MAX_NAME = 255;

export interface Credentials {
  token?: string;
  key?: string;
  clientId?: string;
}

export type AuthResult =
  { ok: true; clientId: string; expiresAt?: number } | { ok: false; code: number; message: string };

/** Tokens and keys the mock accepts, the same on both wires. */
export class FoonyAuth {
  private readonly tokens: Map<string, { clientId: string; expiresAt?: number }>;
  /** Every auth frame's credential, in order. */
  readonly log: Credentials[] = [];

  constructor(
    tokens: Record<string, string> | undefined,
    private readonly keys: Record<string, string> = { 'app.key:secret': 'server' },
  ) {
    this.userTokens = tokens === undefined;
    this.tokens = new Map(
      Object.entries(tokens ?? { 'valid-token': 'user-1' }).map(([t, clientId]) => [t, { clientId }]),
    );
  }

  /** Without a `tokens` option, `user:<clientId>` authenticates as `<clientId>`. */
  private readonly userTokens: boolean;

  issueToken(clientId: string, ttlMs: number): string {
    const token = `tok_${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, { clientId, expiresAt: Date.now() + ttlMs });
    return token;
  }

  check(credentials: Credentials): AuthResult {
    const { token, key } = credentials;
    this.log.push({ token, key, ...(credentials.clientId !== undefined ? { clientId: credentials.clientId } : {}) });
    if (key !== undefined) {
      const base = this.keys[key];
      if (base !== undefined) return { ok: true, clientId: credentials.clientId || base };
    } else if (token !== undefined) {
      const entry = this.tokens.get(token);
      if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        return { ok: false, code: FoonyErrorCode.AuthExpired, message: 'token expired' };
      }
      if (entry) return { ok: true, clientId: entry.clientId, expiresAt: entry.expiresAt };
      if (this.userTokens && token.startsWith('user:') && token.length > 5 && token.length <= 5 + MAX_NAME) {
        return { ok: true, clientId: token.slice(5) };
      }
    }
    return { ok: false, code: FoonyErrorCode.BadAuth, message: 'invalid credentials' };
  }
}
