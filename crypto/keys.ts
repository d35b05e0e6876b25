/**
 * RSA key pairs through WebCrypto, so the same code runs in the browser (the holder's key is made
 * and kept there) and in Node ≥ 19. Keys leave as PEM: PKCS#8 for the private key, SPKI for the
 * public key. Node-only callers may prefer crypto/node/keys.ts (node:crypto, same output format).
 */
import { derToPem } from './pem.js';

export const RSA_MODULUS_BITS = 2048;
const PUBLIC_EXPONENT = new Uint8Array([1, 0, 1]);

export interface PemKeyPair {
  /** PKCS#8 `-----BEGIN PRIVATE KEY-----`. */
  privateKeyPem: string;
  /** SPKI `-----BEGIN PUBLIC KEY-----`. */
  publicKeyPem: string;
}

/** A fresh RSA-2048 key pair made by WebCrypto, exported as PEM (the private key is extractable by design: the holder saves it). */
export async function generateRsaKeyPairPem(bits = RSA_MODULUS_BITS): Promise<PemKeyPair> {
  const subtle = globalThis.crypto.subtle;
  const pair = await subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: bits, publicExponent: PUBLIC_EXPONENT, hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  return { privateKeyPem: derToPem(pkcs8, 'PRIVATE KEY'), publicKeyPem: derToPem(spki, 'PUBLIC KEY') };
}
