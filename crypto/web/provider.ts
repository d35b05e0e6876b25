/**
 * CryptoProvider over WebCrypto only (no Node imports): runs in Chromium and, through
 * globalThis.crypto, in Node ≥ 19 as the default provider of the isomorphic code.
 */
import { publicKeyDerFromPem } from '../cert-info.js';
import { CryptoFormatError, CryptoVerifyError } from '../errors.js';
import { pemToDer } from '../pem.js';
import type { CryptoProvider } from '../provider.js';
import type { HashName, SignatureAlgorithm } from '../suite.js';

// Types derived from the global so this file needs neither the DOM lib nor node:crypto types.
type Subtle = typeof globalThis.crypto.subtle;
type Key = Awaited<ReturnType<Subtle['importKey']>>;
type RsaHashedImportParams = { name: string; hash: string };
const subtle = (): Subtle => globalThis.crypto.subtle;

/** An exact copy in a fresh ArrayBuffer (a Node Buffer's slice() is a view into a shared pool). */
const ab = (bytes: Uint8Array): ArrayBuffer => {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
};

async function importPrivate(pem: string, algorithm: RsaHashedImportParams, usage: 'sign' | 'decrypt'): Promise<Key> {
  const der = pemToDer(pem, 'PRIVATE KEY');
  try {
    return await subtle().importKey('pkcs8', ab(der), algorithm, false, [usage]);
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', 'unreadable private key (PKCS#8 RSA PEM expected)', { cause: error });
  }
}

async function importPublic(pem: string, algorithm: RsaHashedImportParams, usage: 'verify' | 'encrypt'): Promise<Key> {
  const der = publicKeyDerFromPem(pem);
  try {
    return await subtle().importKey('spki', ab(der), algorithm, false, [usage]);
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', 'unreadable public key or certificate (RSA expected)', { cause: error });
  }
}

const importParams = (a: SignatureAlgorithm): RsaHashedImportParams => ({ name: a.name, hash: a.hash });
const signParams = (a: SignatureAlgorithm): { name: string; saltLength?: number } => (a.name === 'RSA-PSS' ? { name: 'RSA-PSS', saltLength: a.saltLength } : { name: a.name });

export const webProvider: CryptoProvider = {
  name: 'webcrypto',
  async digest(hash: HashName, data) {
    return new Uint8Array(await subtle().digest(hash, ab(data)));
  },
  async sha256(data) {
    return new Uint8Array(await subtle().digest('SHA-256', ab(data)));
  },
  async sign(algorithm, privateKeyPem, data) {
    const key = await importPrivate(privateKeyPem, importParams(algorithm), 'sign');
    return new Uint8Array(await subtle().sign(signParams(algorithm), key, ab(data)));
  },
  async verify(algorithm, publicKeyPem, data, signature) {
    const key = await importPublic(publicKeyPem, importParams(algorithm), 'verify');
    try {
      return await subtle().verify(signParams(algorithm), key, ab(signature), ab(data));
    } catch {
      return false;
    }
  },
  async encryptKey(publicKeyPem, key, hash) {
    const publicKey = await importPublic(publicKeyPem, { name: 'RSA-OAEP', hash }, 'encrypt');
    return new Uint8Array(await subtle().encrypt({ name: 'RSA-OAEP' }, publicKey, ab(key)));
  },
  async decryptKey(privateKeyPem, wrappedKey, hash) {
    const key = await importPrivate(privateKeyPem, { name: 'RSA-OAEP', hash }, 'decrypt');
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'RSA-OAEP' }, key, ab(wrappedKey)));
    } catch (error) {
      throw new CryptoVerifyError('KEY_MISMATCH', 'the private key does not decrypt this content key', { cause: error });
    }
  },
  async aesGcmEncrypt(key, iv, plaintext) {
    const aesKey = await subtle().importKey('raw', ab(key), { name: 'AES-GCM' }, false, ['encrypt']);
    const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: ab(iv), tagLength: 128 }, aesKey, ab(plaintext)));
    return { ciphertext: sealed.subarray(0, sealed.length - 16), tag: sealed.subarray(sealed.length - 16) };
  },
  async aesGcmDecrypt(key, iv, ciphertext, tag) {
    if (tag.length !== 16) throw new CryptoVerifyError('AUTH_TAG_INVALID', `authentication tag of ${tag.length} bytes (16 expected)`);
    const aesKey = await subtle().importKey('raw', ab(key), { name: 'AES-GCM' }, false, ['decrypt']);
    const joined = new Uint8Array(ciphertext.length + 16);
    joined.set(ciphertext);
    joined.set(tag, ciphertext.length);
    try {
      return new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv: ab(iv), tagLength: 128 }, aesKey, joined.buffer));
    } catch (error) {
      throw new CryptoVerifyError('AUTH_TAG_INVALID', 'authentication tag does not match: the envelope was altered or the key is wrong', { cause: error });
    }
  },
  randomBytes(length) {
    return globalThis.crypto.getRandomValues(new Uint8Array(length));
  },
};
