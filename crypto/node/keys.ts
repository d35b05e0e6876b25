import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { RSA_MODULUS_BITS, type PemKeyPair } from '../keys.js';

const generate = promisify(generateKeyPair);

/** RSA-2048 key pair by node:crypto (OpenSSL), PKCS#8 / SPKI PEM — the CLI's `keygen`. */
export async function generateRsaKeyPairNode(bits = RSA_MODULUS_BITS): Promise<PemKeyPair> {
  const { privateKey, publicKey } = await generate('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
