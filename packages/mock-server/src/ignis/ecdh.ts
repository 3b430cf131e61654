import { createCipheriv, createDecipheriv, createECDH, hkdfSync, randomBytes, type ECDH } from 'node:crypto';

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The helper's `fromBase64`: standard padded base64 only. */
export function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0 || !STANDARD_BASE64.test(text))
    return undefined;
  return Buffer.from(text, 'base64');
}

/**
 * The Ignis ECDH scheme on Node's own crypto (not WebCrypto, and not the client's code): P-256,
 * HKDF-SHA-256 with a random 32-byte salt, AES-256-GCM with a 12-byte IV and the tag appended.
 */
export class ServerEcdh {
  readonly publicKey: string;
  readonly salt: string;
  private readonly key: Buffer;

  private constructor(ecdh: ECDH, clientPublicKey: Buffer, info: string) {
    this.publicKey = ecdh.getPublicKey('base64');
    const salt = randomBytes(32);
    this.salt = salt.toString('base64');
    const shared = ecdh.computeSecret(clientPublicKey);
    this.key = Buffer.from(hkdfSync('sha256', shared, salt, Buffer.from(info, 'utf8'), 32));
  }

  /** Returns undefined when the client's key is missing or invalid (the handshake then fails). */
  static handshake(clientPublicKey: unknown, info: string): ServerEcdh | undefined {
    const raw = strictBase64(clientPublicKey);
    if (!raw || raw.length !== 65 || raw[0] !== 0x04) return undefined;
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    try {
      return new ServerEcdh(ecdh, raw, info);
    } catch {
      return undefined;
    }
  }

  seal(plaintext: string): { iv: string; ct: string } {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { iv: iv.toString('base64'), ct: ct.toString('base64') };
  }

  /** Returns undefined if the payload is malformed or fails authentication. */
  open(payload: unknown): string | undefined {
    const { iv, ct } = (payload ?? {}) as { iv?: unknown; ct?: unknown };
    const ivBytes = strictBase64(iv);
    const ctBytes = strictBase64(ct);
    if (!ivBytes || !ctBytes || ivBytes.length !== 12 || ctBytes.length < 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, ivBytes);
      decipher.setAuthTag(ctBytes.subarray(ctBytes.length - 16));
      return Buffer.concat([decipher.update(ctBytes.subarray(0, ctBytes.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}
