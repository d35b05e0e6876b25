/** CryptoProvider over Node's crypto (OpenSSL): the fast path on the server and in the CLI. */
import { constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { CryptoFormatError, CryptoVerifyError } from '../errors.js';
import type { CryptoProvider } from '../provider.js';
import type { HashName, SignatureAlgorithm } from '../suite.js';

export const nodeHashName = (hash: HashName): string => hash.replace('-', '').toLowerCase();

function privateKey(pem: string): KeyObject {
  try {
    return createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', 'unreadable private key (PKCS#8 PEM expected)', { cause: error });
  }
}

function publicKey(pem: string): KeyObject {
  try {
    return createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', 'unreadable public key or certificate', { cause: error });
  }
}

const u8 = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function padding(algorithm: SignatureAlgorithm): { padding: number; saltLength?: number } {
  return algorithm.name === 'RSA-PSS' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength } : { padding: constants.RSA_PKCS1_PADDING };
}

export const nodeProvider: CryptoProvider = {
  name: 'node',
  async digest(hash, data) {
    return u8(createHash(nodeHashName(hash)).update(data).digest());
  },
  async sha256(data) {
    return u8(createHash('sha256').update(data).digest());
  },
  async sign(algorithm, privateKeyPem, data) {
    return u8(sign(nodeHashName(algorithm.hash), data, { key: privateKey(privateKeyPem), ...padding(algorithm) }));
  },
  async verify(algorithm, publicKeyPem, data, signature) {
    const key = publicKey(publicKeyPem);
    try {
      return verify(nodeHashName(algorithm.hash), data, { key, ...padding(algorithm) }, signature);
    } catch {
      return false;
    }
  },
  async encryptKey(publicKeyPem, key, hash) {
    return u8(publicEncrypt({ key: publicKey(publicKeyPem), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: nodeHashName(hash) }, key));
  },
  async decryptKey(privateKeyPem, wrappedKey, hash) {
    const key = privateKey(privateKeyPem);
    try {
      return u8(privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: nodeHashName(hash) }, wrappedKey));
    } catch (error) {
      throw new CryptoVerifyError('KEY_MISMATCH', 'the private key does not decrypt this content key', { cause: error });
    }
  },
  async aesGcmEncrypt(key, iv, plaintext) {
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { ciphertext: u8(ciphertext), tag: u8(cipher.getAuthTag()) };
  },
  async aesGcmDecrypt(key, iv, ciphertext, tag) {
    if (tag.length !== 16) throw new CryptoVerifyError('AUTH_TAG_INVALID', `authentication tag of ${tag.length} bytes (16 expected)`);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: 16 });
    decipher.setAuthTag(tag);
    const head = decipher.update(ciphertext);
    try {
      return u8(Buffer.concat([head, decipher.final()]));
    } catch (error) {
      throw new CryptoVerifyError('AUTH_TAG_INVALID', 'authentication tag does not match: the envelope was altered or the key is wrong', { cause: error });
    }
  },
  randomBytes(length) {
    return u8(randomBytes(length));
  },
};
