/**
 * The upload receipt (回执): what the platform hands a bidder when a sealed bid arrives, and what an
 * auditor checks offline with OpenSSL alone.
 *
 * Format (docs/receipts.md): a CMS SignedData (RFC 5652) by the platform's certificate whose attached
 * content (id-data) is the RFC 8785 canonical JSON
 *   {bidder, receivedAt, seq, sha256, size, timestampToken, trade}
 * where `sha256` is the hex SHA-256 of the sealed envelope and `timestampToken` is the base64 DER
 * RFC 3161 TimeStampToken of the platform TSA over that same SHA-256 (messageImprint = sha256).
 *
 * Why the token sits inside the signed JSON and not as an unsigned id-aa-timeStampToken attribute:
 * that attribute (RFC 3161 appendix A) stamps the signature value, while ours stamps the envelope's
 * hash — reusing its OID for other data would mislead any tool that knows it. Inside the content the
 * platform's signature also covers the token (nobody can swap it afterwards), and an auditor gets both
 * parts with standard commands: `openssl cms -verify` prints the JSON, the token is one base64 field,
 * and `openssl ts -verify -digest <sha256>` checks it against the same hash the JSON names.
 */
import { checkCertificate } from './certificates.js';
import { canonicalJson } from './canonical-json.js';
import { CertificateError, CryptoError, CryptoFormatError, CryptoVerifyError, isCryptoError } from './errors.js';
import { OID } from './oids.js';
import { base64ToBytes, bytesToBase64, certificatesFromPem, certificatePem as toPem } from './pkijs-support.js';
import { signAttached, verifySignedData } from './signed-data.js';
import { issueTimestampToken, verifyTimestampToken } from './timestamp.js';

export interface ReceiptFields {
  trade: string;
  bidder: string;
  /** Hex SHA-256 (lower case) of the sealed envelope as received. */
  sha256: string;
  /** Bytes received. */
  size: number;
  /** ISO 8601 UTC, e.g. 2026-11-25T14:00:00.000Z. */
  receivedAt: string;
  /** The receipt's sequence number within the trade. */
  seq: number;
}

export interface ReceiptSigner {
  certificatePem: string;
  privateKeyPem: string;
  /** Issuing CA certificates to embed. */
  chainPem?: string;
}

export interface MakeReceiptOptions {
  platformCertificatePem: string;
  platformPrivateKeyPem: string;
  platformChainPem?: string;
  /** The platform TSA that stamps the envelope hash, or a token already obtained for it. */
  tsa: (ReceiptSigner & { policyOid?: string; serialNumber?: bigint }) | { timestampToken: Uint8Array };
  /** The clock's now: signing time and the token's genTime. */
  now: Date;
}

export interface VerifyReceiptOptions {
  /** Trust anchors (PEM, one or several certificates) for both the platform signer and the TSA. */
  trustAnchorsPem: string | string[];
  /** Intermediates beyond those carried in the receipt and the token. */
  intermediatesPem?: string[];
  crlsDer?: Uint8Array[];
  /** Largest allowed gap between receivedAt and the token's genTime (default 5 minutes). */
  maxSkewMs?: number;
}

export interface VerifiedReceipt {
  fields: ReceiptFields;
  /** The TSA's time for the envelope hash. */
  genTime: Date;
  timestampSerial: string;
  signingTime?: Date;
  platformCertificatePem: string;
  tsaCertificatePem: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

function invalid(message: string, cause?: unknown): CryptoVerifyError {
  return new CryptoVerifyError('RECEIPT_INVALID', message, cause === undefined ? undefined : { cause });
}

/** Refuses fields that would not round-trip: the JSON must say exactly what the bidder can check. */
function checkFields(value: unknown): asserts value is ReceiptFields {
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) throw new RangeError('receipt fields must be an object');
  if (typeof v.trade !== 'string' || v.trade === '') throw new RangeError('trade must be a non-empty string');
  if (typeof v.bidder !== 'string' || v.bidder === '') throw new RangeError('bidder must be a non-empty string');
  if (typeof v.sha256 !== 'string' || !SHA256_HEX.test(v.sha256)) throw new RangeError('sha256 must be 64 lower-case hex digits');
  if (!Number.isSafeInteger(v.size) || (v.size as number) < 0) throw new RangeError('size must be a non-negative integer');
  if (typeof v.receivedAt !== 'string' || !ISO_UTC.test(v.receivedAt) || Number.isNaN(Date.parse(v.receivedAt))) throw new RangeError('receivedAt must be ISO 8601 UTC');
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 0) throw new RangeError('seq must be a non-negative integer');
}

const hexToBytes = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));

function randomSerial(): bigint {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(8));
  bytes[0] = bytes[0]! & 0x7f;
  return BigInt(`0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`) || 1n;
}

/** Makes a DER receipt: stamps `fields.sha256` with the platform TSA, then signs the canonical JSON. */
export async function makeReceipt(fields: ReceiptFields, options: MakeReceiptOptions): Promise<Uint8Array> {
  checkFields(fields);
  const { trade, bidder, sha256, size, receivedAt, seq } = fields;
  const token =
    'timestampToken' in options.tsa
      ? options.tsa.timestampToken
      : await issueTimestampToken({
          messageImprintSha256: hexToBytes(sha256),
          tsaCertificatePem: options.tsa.certificatePem,
          tsaPrivateKeyPem: options.tsa.privateKeyPem,
          ...(options.tsa.chainPem ? { chainPem: options.tsa.chainPem } : {}),
          serialNumber: options.tsa.serialNumber ?? randomSerial(),
          genTime: options.now,
          ...(options.tsa.policyOid ? { policyOid: options.tsa.policyOid } : {}),
        });
  const body = canonicalJson({ trade, bidder, sha256, size, receivedAt, seq, timestampToken: bytesToBase64(token) });
  return signAttached(
    new TextEncoder().encode(body),
    { certificatePem: options.platformCertificatePem, privateKeyPem: options.platformPrivateKeyPem, ...(options.platformChainPem ? { chainPem: [options.platformChainPem] } : {}) },
    { signingTime: options.now },
  );
}

/**
 * Verifies a DER receipt offline: the platform signature and its certificate chain (at signing time),
 * the exact canonical JSON, the timestamp token over `sha256` and the TSA chain (at genTime), and that
 * genTime lies within `maxSkewMs` of receivedAt. Errors: CryptoVerifyError RECEIPT_INVALID (signature,
 * content) or TIMESTAMP_INVALID (token), CertificateError (chain), CryptoFormatError (malformed DER).
 */
export async function verifyReceipt(der: Uint8Array, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  try {
    return await verify(der, options);
  } catch (error) {
    if (error instanceof CryptoVerifyError && error.code !== 'TIMESTAMP_INVALID' && error.code !== 'RECEIPT_INVALID') throw invalid(`receipt signature: ${error.code}: ${error.message}`, error);
    if (isCryptoError(error)) throw error;
    throw new CryptoFormatError('CMS_MALFORMED', `receipt malformed: ${(error as Error).message ?? error}`, { cause: error });
  }
}

async function verify(der: Uint8Array, options: VerifyReceiptOptions): Promise<VerifiedReceipt> {
  const anchors = (Array.isArray(options.trustAnchorsPem) ? options.trustAnchorsPem : [options.trustAnchorsPem]).flatMap((pem) => certificatesFromPem(pem).map((c) => toPem(c.certificate)));
  if (anchors.length === 0) throw new CertificateError('CERT_UNTRUSTED', 'no trust anchors given');
  const signed = await verifySignedData(der);
  if (signed.detached) throw invalid('a receipt carries its content');
  if (signed.eContentType !== OID.data) throw invalid(`content type ${signed.eContentType} (id-data expected)`);
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(signed.content);
    value = JSON.parse(text);
  } catch (cause) {
    throw invalid('receipt content is not JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('receipt content is not a JSON object');
  const keys = Object.keys(value).sort().join(',');
  if (keys !== 'bidder,receivedAt,seq,sha256,size,timestampToken,trade') throw invalid(`unexpected receipt members: ${keys}`);
  if (canonicalJson(value) !== text) throw invalid('receipt content is not canonical JSON');
  const { timestampToken, ...fields } = value as ReceiptFields & { timestampToken: unknown };
  try {
    checkFields(fields);
  } catch (cause) {
    throw invalid(`receipt field: ${(cause as Error).message}`, cause);
  }
  const token = typeof timestampToken === 'string' ? base64ToBytes(timestampToken) : null;
  if (!token) throw new CryptoVerifyError('TIMESTAMP_INVALID', 'timestampToken is not base64');

  const carried = signed.certificatesPem;
  const extra = options.intermediatesPem ?? [];
  const signingAt = signed.signingTime ?? new Date(fields.receivedAt);
  await checkCertificate(signed.signerCertificatePem, {
    trustAnchorsPem: anchors,
    intermediatesPem: [...carried, ...extra],
    ...(options.crlsDer ? { crlsDer: options.crlsDer } : {}),
    at: signingAt,
    usage: 'signature',
  });
  let stamp;
  try {
    stamp = await verifyTimestampToken(token, {
      expectedImprintSha256: hexToBytes(fields.sha256),
      trust: (tsaPem, tsaCarried, genTime) =>
        checkCertificate(tsaPem, {
          trustAnchorsPem: anchors,
          intermediatesPem: [...tsaCarried, ...carried, ...extra],
          ...(options.crlsDer ? { crlsDer: options.crlsDer } : {}),
          at: genTime,
          usage: 'timestamp',
        }),
    });
  } catch (error) {
    if (error instanceof CryptoError && !(error instanceof CertificateError) && error.code !== 'TIMESTAMP_INVALID') {
      throw new CryptoVerifyError('TIMESTAMP_INVALID', `timestamp token: ${error.code}: ${error.message}`, { cause: error });
    }
    throw error;
  }
  const skew = Math.abs(stamp.genTime.getTime() - Date.parse(fields.receivedAt));
  if (skew > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) throw invalid(`the timestamp (${stamp.genTime.toISOString()}) is ${Math.round(skew / 1000)} s away from receivedAt`);
  return {
    fields: { trade: fields.trade, bidder: fields.bidder, sha256: fields.sha256, size: fields.size, receivedAt: fields.receivedAt, seq: fields.seq },
    genTime: stamp.genTime,
    timestampSerial: stamp.serialNumber,
    ...(signed.signingTime ? { signingTime: signed.signingTime } : {}),
    platformCertificatePem: signed.signerCertificatePem,
    tsaCertificatePem: stamp.tsaCertificatePem,
  };
}
