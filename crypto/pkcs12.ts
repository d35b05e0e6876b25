/**
 * PKCS#12 (RFC 7292) files for holders: their private key and certificate chain in one
 * password-protected file that OpenSSL, Windows and browsers import. Built on the holder's side
 * (browser) — the private key never reaches the platform. The key bag is PBES2 with PBKDF2
 * (HMAC-SHA256, 10 000 iterations) and AES-256-CBC; the MAC is HMAC-SHA1 as node-forge writes it.
 */
import forge from 'node-forge';
import { binaryToBytes, parseCertificate } from './certificates.js';
import { CryptoFormatError } from './errors.js';

export const PKCS12_ITERATIONS = 10_000;

export function createPkcs12(privateKeyPem: string, certificatePems: string[], password: string, options: { friendlyName?: string } = {}): Uint8Array {
  let key: forge.pki.PrivateKey;
  try {
    key = forge.pki.privateKeyFromPem(privateKeyPem);
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', `not an RSA private key: ${(error as Error).message}`, { cause: error });
  }
  const certs = certificatePems.map((pem) => parseCertificate(pem));
  const p12 = forge.pkcs12.toPkcs12Asn1(key, certs, password, {
    algorithm: 'aes256',
    count: PKCS12_ITERATIONS,
    generateLocalKeyId: true,
    friendlyName: options.friendlyName ?? 'tenderhall',
    prfAlgorithm: 'sha256',
  } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]);
  return binaryToBytes(forge.asn1.toDer(p12).getBytes());
}
