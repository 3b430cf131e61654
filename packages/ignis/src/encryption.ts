import { PolySocketError } from '@polysocket/core';

/** The HKDF info string of the Ignis ECDH helper (0.0.7 code; the changelog's other value is wrong). */
export const DEFAULT_HKDF_INFO = 'ignis-ecdh-p256-aes-256-gcm-v1';

/** An AES-GCM ciphertext as the helper's scheme puts it on the wire: base64 IV, base64 ciphertext‖tag. */
export interface SealedPayload {
  iv: string;
  ct: string;
}

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

function subtle(): SubtleCrypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (!crypto?.subtle) {
    throw new PolySocketError('INVALID', 'encryption needs WebCrypto: a secure context, or Node 20+');
  }
  return crypto.subtle;
}

/** Standard base64 with padding (the server rejects base64url and unpadded input). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: unknown, what: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !STANDARD_BASE64.test(text)) {
    throw new PolySocketError('PROTOCOL', `${what} is not standard padded base64`);
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export interface EncryptionOptions {
  /** Field of the authenticate payload that carries the public key. Default `publicKey`. */
  publicKeyField?: string;
  /** HKDF info; must match the server's. Default `ignis-ecdh-p256-aes-256-gcm-v1`. */
  hkdfInfo?: string;
  /** Also encrypt outbound app frames as `{event:'encrypted', data:{iv, ct}}` (needs server support). Default false. */
  sealOutbound?: boolean;
  /** Optional AES-GCM additional data (UTF-8); must match the server's. */
  additionalData?: string;
}

/**
 * One connection's ECDH P-256 + HKDF-SHA-256 + AES-256-GCM session, all on WebCrypto: a fresh key
 * pair per connection, the key derived from that connection's `serverPublicKey` and `salt`.
 */
export class EcdhSession {
  private aesKey: CryptoKey | undefined;
  private readonly aad: Uint8Array<ArrayBuffer> | undefined;

  private constructor(
    private readonly keyPair: CryptoKeyPair,
    readonly publicKey: string,
    private readonly info: string,
    additionalData: string | undefined,
  ) {
    this.aad = additionalData !== undefined ? encoder.encode(additionalData) : undefined;
  }

  static async create(options: EncryptionOptions = {}): Promise<EcdhSession> {
    const crypto = subtle();
    const keyPair = (await crypto.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const raw = new Uint8Array(await crypto.exportKey('raw', keyPair.publicKey));
    return new EcdhSession(keyPair, toBase64(raw), options.hkdfInfo ?? DEFAULT_HKDF_INFO, options.additionalData);
  }

  get ready(): boolean {
    return this.aesKey !== undefined;
  }

  /** Derives the AES-256-GCM key from the server's raw public key and salt (both base64). */
  async derive(serverPublicKey: unknown, salt: unknown): Promise<void> {
    const crypto = subtle();
    const peerRaw = fromBase64(serverPublicKey, 'serverPublicKey');
    const saltBytes = fromBase64(salt, 'salt');
    let peer: CryptoKey;
    try {
      peer = await crypto.importKey('raw', peerRaw, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    } catch (error) {
      throw new PolySocketError('PROTOCOL', 'serverPublicKey is not a P-256 public key', { cause: error });
    }
    const shared = await crypto.deriveBits({ name: 'ECDH', public: peer }, this.keyPair.privateKey, 256);
    const hkdfKey = await crypto.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
    this.aesKey = await crypto.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: saltBytes, info: encoder.encode(this.info) },
      hkdfKey,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  }

  /** Decrypts `{iv, ct}` to the plaintext string. Throws PROTOCOL if it is malformed or fails authentication. */
  async open(payload: unknown): Promise<string> {
    const key = this.requireKey();
    const { iv, ct } = (payload ?? {}) as Partial<SealedPayload>;
    const ivBytes = fromBase64(iv, 'iv');
    const ctBytes = fromBase64(ct, 'ct');
    if (ivBytes.length !== 12) throw new PolySocketError('PROTOCOL', `iv must be 12 bytes, got ${ivBytes.length}`);
    try {
      const plain = await subtle().decrypt(this.params(ivBytes), key, ctBytes);
      return decoder.decode(plain);
    } catch (error) {
      throw new PolySocketError('PROTOCOL', 'an encrypted frame failed to decrypt (tampered, or the wrong key)', {
        cause: error,
      });
    }
  }

  async seal(plaintext: string): Promise<SealedPayload> {
    const key = this.requireKey();
    const iv = new Uint8Array(12);
    (globalThis as { crypto: Crypto }).crypto.getRandomValues(iv);
    const ct = new Uint8Array(await subtle().encrypt(this.params(iv), key, encoder.encode(plaintext)));
    return { iv: toBase64(iv), ct: toBase64(ct) };
  }

  private params(iv: Uint8Array<ArrayBuffer>): AesGcmParams {
    // No `additionalData` key at all without AAD: Chromium's WebCrypto fails to decrypt with `additionalData:
    // undefined` (Node's accepts it), as the playground's browser test shows.
    return this.aad
      ? { name: 'AES-GCM', iv, tagLength: 128, additionalData: this.aad }
      : { name: 'AES-GCM', iv, tagLength: 128 };
  }

  private requireKey(): CryptoKey {
    if (!this.aesKey) throw new PolySocketError('PROTOCOL', 'no encryption key yet for this connection');
    return this.aesKey;
  }
}
