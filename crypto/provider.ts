/**
 * The primitives crypto/ needs, behind one interface: Node's crypto on the server
 * (crypto/node/provider.ts), WebCrypto in the browser (crypto/web/provider.ts). Keys are PEM text:
 * PKCS#8 private keys; SPKI public keys or X.509 certificates.
 */
import type { HashName, SignatureAlgorithm } from './suite.js';

export interface CryptoProvider {
  readonly name: string;
  digest(hash: HashName, data: Uint8Array): Promise<Uint8Array>;
  sha256(data: Uint8Array): Promise<Uint8Array>;
  sign(algorithm: SignatureAlgorithm, privateKeyPem: string, data: Uint8Array): Promise<Uint8Array>;
  /** false for a signature that does not verify; throws only for unusable keys. */
  verify(algorithm: SignatureAlgorithm, publicKeyPem: string, data: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** RSA-OAEP (MGF1 with the same hash) of a content-encryption key. */
  encryptKey(publicKeyPem: string, key: Uint8Array, hash: HashName): Promise<Uint8Array>;
  /** Throws CryptoVerifyError KEY_MISMATCH when the key does not decrypt (wrong key, bad padding). */
  decryptKey(privateKeyPem: string, wrappedKey: Uint8Array, hash: HashName): Promise<Uint8Array>;
  /** AES-256-GCM one-shot with a 16-byte tag. */
  aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Promise<{ ciphertext: Uint8Array; tag: Uint8Array }>;
  /** Throws CryptoVerifyError AUTH_TAG_INVALID on a bad tag. */
  aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Promise<Uint8Array>;
  randomBytes(length: number): Uint8Array;
}
