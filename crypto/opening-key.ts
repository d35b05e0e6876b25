/**
 * The trade's opening key (开标密钥): an RSA private key whose certificate every bid envelope is also
 * encrypted to. It is split k-of-n with Shamir's scheme (the audited `shamir-secret-sharing`
 * package; no hand-written field arithmetic) right after it is made, each share sealed to one
 * official, and the whole key is never stored. Rebuilding happens in memory only, and never yields a
 * wrong key: each share carries an integrity check and the digests of all n shares of its split,
 * and the rebuilt key must be a consistent RSA key matching the opening certificate.
 * Share format: docs/opening-key-shares.md.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { combine, split } from 'shamir-secret-sharing';
import { canonicalJson } from './canonical-json.js';
import { toHex } from './digest.js';
import { openBytes, sealBytes } from './envelope.js';
import { derToPem } from './pem.js';
import { CryptoFormatError, ShareError } from './errors.js';
import { OID } from './oids.js';
import {
  base64ToBytes,
  bytesToBase64,
  equalBytes,
  integerBytes,
  parseCertificatePem,
  pemToDer,
  rsaPublicKeyOf,
  sha256,
  toArrayBuffer,
} from './pkijs-support.js';

export const OPENING_SHARE_FORMAT = 'tenderhall-opening-share';
export const OPENING_SHARE_VERSION = 1;
/** Shamir needs at least two shares to rebuild (k = 1 would hand each official the whole key); at most 255 (GF(256) x-coordinates). */
export const MIN_THRESHOLD = 2;
export const MAX_SHARES = 255;

/** One official's share: canonical JSON (RFC 8785) of exactly these members. */
export interface OpeningKeyShare {
  format: typeof OPENING_SHARE_FORMAT;
  version: typeof OPENING_SHARE_VERSION;
  tradeId: string;
  /**
   * SHA-256 (hex) of the opening key's public key as DER RSAPublicKey (PKCS#1: modulus, exponent):
   * binds the share to one key, and lets a rebuilt key be checked even without its certificate
   * (`openssl rsa -pubin -RSAPublicKey_out -outform DER | sha256sum` gives the same value).
   */
  openingKeySha256: string;
  k: number;
  n: number;
  /** 1…n, the share's position in `shareDigests`. */
  index: number;
  /** Shamir share bytes (secret length + 1, the last byte is the x-coordinate), base64. */
  share: string;
  /** SHA-256 (hex) of every share's bytes in this split, in index order; the same list in all n shares. */
  shareDigests: string[];
  /** SHA-256 (hex) of the canonical JSON of all the other members. */
  check: string;
}

export interface SplitOpeningKeyInput {
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) of the opening key. */
  privateKeyPem: string;
  /** When given (always, on the platform), the key must be this certificate's. */
  openingCertificatePem?: string;
  tradeId: string;
  k: number;
  n: number;
}

export interface CombineSharesOptions {
  /** The rebuilt key must be this certificate's (else KEY_MISMATCH; shares of another key: SHARE_FOREIGN). */
  openingCertificatePem?: string;
  /** Shares must belong to this trade (else SHARE_FOREIGN). Without it, all shares must name the same trade. */
  tradeId?: string;
}

/** Splits the opening key into n shares, any k of which rebuild it. Refuses a key that does not match the certificate. */
export async function splitOpeningKey(input: SplitOpeningKeyInput): Promise<OpeningKeyShare[]> {
  const { k, n, tradeId } = input;
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < MIN_THRESHOLD || n < k || n > MAX_SHARES) {
    throw new RangeError(`need integers ${MIN_THRESHOLD} ≤ k ≤ n ≤ ${MAX_SHARES}; got k=${k}, n=${n}`);
  }
  if (typeof tradeId !== 'string' || tradeId === '') throw new RangeError('tradeId is required');
  const pkcs8 = pemToDer(input.privateKeyPem, 'PRIVATE KEY');
  const key = parseRsaPrivateKey(pkcs8);
  if (input.openingCertificatePem) checkKeyMatchesCertificate(key, parseCertificatePem(input.openingCertificatePem).certificate);
  const openingKeySha256 = await rsaPublicKeyId(key.n, key.e);
  const raw = await split(pkcs8, n, k);
  const shareDigests = await Promise.all(raw.map(async (bytes) => toHex(await sha256(bytes))));
  return Promise.all(
    raw.map(async (bytes, i) => {
      const body = { format: OPENING_SHARE_FORMAT, version: OPENING_SHARE_VERSION, tradeId, openingKeySha256, k, n, index: i + 1, share: bytesToBase64(bytes), shareDigests } as const;
      return { ...body, check: await checkOf(body) };
    }),
  );
}

async function checkOf(body: Omit<OpeningKeyShare, 'check'>): Promise<string> {
  return toHex(await sha256(new TextEncoder().encode(canonicalJson(body))));
}

/** The file form of a share: its canonical JSON and a newline. */
export function encodeShare(share: OpeningKeyShare): Uint8Array {
  return new TextEncoder().encode(`${canonicalJson(share)}\n`);
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses and checks one share (file bytes, text or object). Anything that is not exactly a share
 * this code wrote — bad JSON, a non-canonical form, a missing or extra member, a failed check — is
 * SHARE_CORRUPTED, so a flipped byte anywhere is caught here and not as a wrong key later.
 */
export async function decodeShare(input: OpeningKeyShare | Uint8Array | string, label = 'share'): Promise<OpeningKeyShare & { bytes: Uint8Array }> {
  const corrupted = (why: string) => new ShareError('SHARE_CORRUPTED', `${label} is corrupted: ${why}`);
  let value: unknown;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    try {
      text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw corrupted('not UTF-8');
    }
    try {
      value = JSON.parse(text);
    } catch {
      throw corrupted('not JSON');
    }
    if (text !== `${canonicalJson(value)}\n` && text !== canonicalJson(value)) throw corrupted('not in canonical form');
  } else {
    value = input;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupted('not a JSON object');
  const v = value as Record<string, unknown>;
  const members = ['check', 'format', 'index', 'k', 'n', 'openingKeySha256', 'share', 'shareDigests', 'tradeId', 'version'];
  if (canonicalJson(Object.keys(v).sort()) !== canonicalJson(members)) throw corrupted('unexpected members');
  if (v.format !== OPENING_SHARE_FORMAT) throw corrupted('not an opening-key share');
  if (v.version !== OPENING_SHARE_VERSION) throw corrupted(`unknown version ${String(v.version)}`);
  if (typeof v.tradeId !== 'string' || v.tradeId === '') throw corrupted('tradeId');
  if (typeof v.openingKeySha256 !== 'string' || !HEX64.test(v.openingKeySha256)) throw corrupted('openingKeySha256');
  const k = v.k;
  const n = v.n;
  const index = v.index;
  if (!Number.isInteger(k) || !Number.isInteger(n) || !Number.isInteger(index)) throw corrupted('k, n and index must be integers');
  if ((k as number) < MIN_THRESHOLD || (n as number) < (k as number) || (n as number) > MAX_SHARES || (index as number) < 1 || (index as number) > (n as number)) throw corrupted('k, n or index out of range');
  if (!Array.isArray(v.shareDigests) || v.shareDigests.length !== n || !v.shareDigests.every((d) => typeof d === 'string' && HEX64.test(d))) throw corrupted('shareDigests');
  if (typeof v.check !== 'string' || !HEX64.test(v.check)) throw corrupted('check');
  const bytes = typeof v.share === 'string' ? base64ToBytes(v.share) : null;
  if (!bytes || bytes.length < 2) throw corrupted('share bytes are not base64');
  const share = v as unknown as OpeningKeyShare;
  const { check, ...body } = share;
  if ((await checkOf(body)) !== check) throw corrupted('integrity check failed');
  if (toHex(await sha256(bytes)) !== share.shareDigests[share.index - 1]) throw corrupted('share bytes do not match their digest');
  return { ...share, bytes };
}

/**
 * Rebuilds the opening key from at least k shares of one split, in memory only, and returns it as
 * PKCS#8 PEM. Duplicates are ignored. Errors (ShareError): SHARE_CORRUPTED, SHARE_FOREIGN (another
 * trade, another opening certificate, another split), SHARES_INSUFFICIENT, KEY_MISMATCH.
 */
export async function combineShares(shares: ReadonlyArray<OpeningKeyShare | Uint8Array | string>, options: CombineSharesOptions = {}): Promise<string> {
  const certificate = options.openingCertificatePem ? parseCertificatePem(options.openingCertificatePem).certificate : null;
  const certificateKey = certificate ? rsaPublicKeyOf(certificate) : null;
  const certificateKeyId = certificateKey ? await rsaPublicKeyId(bigint(certificateKey.modulus), bigint(certificateKey.publicExponent)) : null;
  const decoded = await Promise.all(shares.map((s, i) => decodeShare(s, `share #${i + 1}`)));
  const tradeId = options.tradeId ?? decoded[0]?.tradeId;
  const keyId = certificateKeyId ?? decoded[0]?.openingKeySha256;
  const byIndex = new Map<number, (typeof decoded)[number]>();
  for (const [i, share] of decoded.entries()) {
    if (share.tradeId !== tradeId) throw new ShareError('SHARE_FOREIGN', `share #${i + 1} belongs to trade ${share.tradeId}, not ${tradeId}`);
    if (share.openingKeySha256 !== keyId) throw new ShareError('SHARE_FOREIGN', `share #${i + 1} belongs to another opening key${certificate ? ' than the certificate\'s' : ''}`);
    const seen = byIndex.get(share.index);
    if (seen) {
      if (seen.check !== share.check) throw new ShareError('SHARE_CORRUPTED', `two different shares claim index ${share.index}`);
      continue; // the same share handed in twice
    }
    byIndex.set(share.index, share);
  }
  const unique = [...byIndex.values()].sort((a, b) => a.index - b.index);
  const first = unique[0];
  if (!first) throw new ShareError('SHARES_INSUFFICIENT', 'no shares given');
  const splitId = canonicalJson([first.k, first.n, first.shareDigests]);
  for (const share of unique) {
    // Every share of one split carries the same digest list, so a share re-made by its holder, or taken from another split of the same key, stands out here.
    if (canonicalJson([share.k, share.n, share.shareDigests]) !== splitId) throw new ShareError('SHARE_FOREIGN', `share ${share.index} comes from a different split than share ${first.index}`);
  }
  if (unique.length < first.k) throw new ShareError('SHARES_INSUFFICIENT', `${unique.length} distinct share(s) given, ${first.k} needed`);
  let pkcs8: Uint8Array;
  try {
    pkcs8 = await combine(unique.map((s) => s.bytes));
  } catch (cause) {
    throw new ShareError('SHARE_CORRUPTED', `shares do not combine: ${(cause as Error).message}`, { cause });
  }
  try {
    const key = parseRsaPrivateKey(pkcs8);
    if (certificate) checkKeyMatchesCertificate(key, certificate);
    if ((await rsaPublicKeyId(key.n, key.e)) !== first.openingKeySha256) throw new Error('its public key is not the one the shares name');
  } catch (cause) {
    throw new ShareError('KEY_MISMATCH', `the rebuilt key does not match the opening certificate: ${(cause as Error).message}`, { cause });
  }
  return derToPem(pkcs8, 'PRIVATE KEY');
}

function bigint(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

interface RsaKeyNumbers {
  n: bigint;
  e: bigint;
}

/**
 * Parses a PKCS#8 RSA private key and checks it is consistent (n = pq, d·e ≡ 1 mod p−1 and q−1, CRT
 * values right). The CRT checks matter: a share altered only where the private exponent lies would
 * leave the modulus intact, and a modulus comparison alone would pass a wrong key.
 */
export function parseRsaPrivateKey(pkcs8: Uint8Array): RsaKeyNumbers {
  let key: pkijs.RSAPrivateKey;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(pkcs8));
    if (parsed.offset !== pkcs8.length) throw new Error('not one DER object');
    const info = new pkijs.PrivateKeyInfo({ schema: parsed.result });
    if (info.privateKeyAlgorithm.algorithmId !== OID.rsaEncryption) throw new Error('not an RSA key');
    if (!(info.parsedKey instanceof pkijs.RSAPrivateKey)) throw new Error('RSAPrivateKey malformed');
    key = info.parsedKey;
    const der = new Uint8Array(info.toSchema().toBER());
    if (!equalBytes(der, pkcs8)) throw new Error('not DER');
  } catch (cause) {
    throw new CryptoFormatError('PEM_MALFORMED', `not a PKCS#8 RSA private key: ${(cause as Error).message}`, { cause });
  }
  const n = bigint(integerBytes(key.modulus));
  const e = bigint(integerBytes(key.publicExponent));
  const d = bigint(integerBytes(key.privateExponent));
  const p = bigint(integerBytes(key.prime1));
  const q = bigint(integerBytes(key.prime2));
  const dp = bigint(integerBytes(key.exponent1));
  const dq = bigint(integerBytes(key.exponent2));
  const qinv = bigint(integerBytes(key.coefficient));
  const ok = p > 1n && q > 1n && p * q === n && dp === d % (p - 1n) && dq === d % (q - 1n) && (e * dp) % (p - 1n) === 1n && (e * dq) % (q - 1n) === 1n && (qinv * q) % p === 1n;
  if (!ok) throw new ShareError('KEY_MISMATCH', 'private key components are inconsistent');
  return { n, e };
}

function checkKeyMatchesCertificate(key: RsaKeyNumbers, certificate: pkijs.Certificate): void {
  const publicKey = rsaPublicKeyOf(certificate);
  if (key.n !== bigint(publicKey.modulus) || key.e !== bigint(publicKey.publicExponent)) throw new ShareError('KEY_MISMATCH', 'the key is not the opening certificate\'s (modulus or exponent differs)');
}

/** SHA-256 hex of DER RSAPublicKey { modulus, publicExponent } (RFC 8017 A.1.1), rebuilt from the numbers so any encoding of the same key gives the same id. */
export async function rsaPublicKeyId(n: bigint, e: bigint): Promise<string> {
  const der = new Uint8Array(new asn1js.Sequence({ value: [asn1js.Integer.fromBigInt(n), asn1js.Integer.fromBigInt(e)] }).toBER());
  return toHex(await sha256(der));
}

/**
 * A share encrypted to one official's certificate: CMS AuthEnvelopedData (AES-256-GCM, RSA-OAEP
 * key transport) around the share file, so `openssl cms -decrypt` with the official's key opens it too.
 */
export async function sealShareFor(share: OpeningKeyShare, officialCertificatePem: string): Promise<Uint8Array> {
  await decodeShare(share);
  return sealBytes(encodeShare(share), [officialCertificatePem]);
}

/** Opens a sealed share with the official's key and checks it (NOT_A_RECIPIENT, AUTH_TAG_INVALID, SHARE_CORRUPTED …). */
export async function openSealedShare(sealed: Uint8Array, official: { certificatePem?: string; privateKeyPem: string }): Promise<OpeningKeyShare> {
  const bytes = await openBytes(sealed, official.certificatePem ? { certificatePem: official.certificatePem, privateKeyPem: official.privateKeyPem } : { privateKeyPem: official.privateKeyPem });
  const { bytes: _raw, ...share } = await decodeShare(bytes, 'sealed share');
  return share;
}

/** True when `bytes` look like a CMS ContentInfo (DER SEQUENCE) rather than a share's JSON text. */
export const isSealedShare = (bytes: Uint8Array): boolean => bytes[0] === 0x30;
