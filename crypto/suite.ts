/**
 * The algorithm suite of a sealed bid, named once. Callers pass a suite around and never spell
 * an algorithm themselves, so a second suite (SM2/SM3/SM4, GB/T 35275) can be added here later.
 */
import { OID } from './oids.js';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type SignatureAlgorithm =
  | { name: 'RSA-PSS'; hash: HashName; saltLength: number }
  | { name: 'RSASSA-PKCS1-v1_5'; hash: HashName };

export interface KeyTransportAlgorithm {
  name: 'RSA-OAEP';
  /** OAEP hash; MGF1 uses the same hash (RFC 4055 §4.1; WebCrypto cannot mix them). */
  hash: HashName;
}

export interface AlgorithmSuite {
  id: string;
  digest: { name: HashName; oid: string; length: number };
  contentCipher: { name: 'AES-256-GCM'; oid: string; keyLength: 32; ivLength: 12; tagLength: 16 };
  keyTransport: KeyTransportAlgorithm & { oid: string; mgfOid: string };
  /** Outer detached signature and receipts. */
  signature: SignatureAlgorithm & { oid: string };
  /** Inner signature over the bid package. */
  innerSignature: SignatureAlgorithm & { oid: string };
}

/**
 * RSA + AES-256-GCM + SHA-256. The inner signature is RSA-PSS as well: OpenSSL 3 and WebCrypto
 * verify it, and PSS has a security proof that PKCS#1 v1.5 lacks; nothing here needs v1.5.
 */
export const RSA_AES256GCM_SHA256: AlgorithmSuite = Object.freeze({
  id: 'rsa-aes256gcm-sha256',
  digest: { name: 'SHA-256', oid: OID.sha256, length: 32 },
  contentCipher: { name: 'AES-256-GCM', oid: OID.aes256Gcm, keyLength: 32, ivLength: 12, tagLength: 16 },
  keyTransport: { name: 'RSA-OAEP', hash: 'SHA-256', oid: OID.rsaesOaep, mgfOid: OID.mgf1 },
  signature: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32, oid: OID.rsassaPss },
  innerSignature: { name: 'RSA-PSS', hash: 'SHA-256', saltLength: 32, oid: OID.rsassaPss },
} as const);

export const DEFAULT_SUITE: AlgorithmSuite = RSA_AES256GCM_SHA256;

export const HASH_OIDS: Record<HashName, string> = {
  'SHA-1': OID.sha1,
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

export const HASH_LENGTHS: Record<HashName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

export function hashNameFromOid(oid: string): HashName | undefined {
  return (Object.keys(HASH_OIDS) as HashName[]).find((name) => HASH_OIDS[name] === oid);
}
