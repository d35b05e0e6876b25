/**
 * CMS AuthEnvelopedData (RFC 5083) with AES-256-GCM (RFC 5084) and one KeyTransRecipientInfo per
 * recipient, the content key wrapped with RSAES-OAEP (RFC 4055: SHA-256, MGF1-SHA-256):
 *
 *   ContentInfo ::= SEQUENCE { contentType id-ct-authEnvelopedData, content [0] EXPLICIT
 *     AuthEnvelopedData ::= SEQUENCE {
 *       version 0, recipientInfos SET OF KeyTransRecipientInfo,
 *       authEncryptedContentInfo SEQUENCE { id-data, AlgorithmIdentifier { id-aes256-GCM,
 *         GCMParameters { aes-nonce OCTET STRING (12), aes-ICVlen 16 } }, [0] IMPLICIT ciphertext },
 *       mac OCTET STRING (the 16-byte GCM tag) } }
 *
 * Lengths are definite, so the header can be written before streaming the ciphertext
 * (crypto/node/sealed-file.ts). `openssl cms -decrypt` opens it.
 */
import { certificateInfoFromPem, type CertificateInfo } from './cert-info.js';
import {
  algorithmIdentifier, children, concat, ctx, ctxPrim, equalBytes, expect, header, integer, items, malformed, octets, oid, parseDer,
  raw, readOctets, readOid, readSmallInt, readTlv, seq, setOf, TAG, tlv, value, type Tlv,
} from './der.js';
import { CryptoFormatError, CryptoVerifyError } from './errors.js';
import { OID } from './oids.js';
import type { CryptoProvider } from './provider.js';
import { asCryptoError, hashOf, issuerAndSerialNumber, readHeader } from './signed-data.js';
import { DEFAULT_SUITE, HASH_OIDS, type AlgorithmSuite, type HashName } from './suite.js';
import { webProvider } from './web/provider.js';

export interface EnvelopeRecipient {
  /** Without it, every key-transport recipient is tried with the key (OAEP decoding rejects the others). */
  certificatePem?: string;
  /** PKCS#8 PEM of the certificate's key. */
  privateKeyPem: string;
}

export interface EnvelopeOptions {
  provider?: CryptoProvider;
  suite?: AlgorithmSuite;
}

export const CEK_LENGTH = 32;
export const GCM_TAG_LENGTH = 16;

// ---------------------------------------------------------------- sealing

/** RSAES-OAEP-params with the suite's hash for both OAEP and MGF1 (RFC 4055 §4.1). */
function oaepAlgorithmIdentifier(hash: HashName): Uint8Array {
  const hashId = algorithmIdentifier(HASH_OIDS[hash]);
  return algorithmIdentifier(OID.rsaesOaep, seq(tlv(ctx(0), hashId), tlv(ctx(1), algorithmIdentifier(OID.mgf1, hashId))));
}

/**
 * Everything before the ciphertext of an envelope whose content is `contentLength` bytes: the
 * recipient infos hold `cek` wrapped for each certificate. The envelope ends with `envelopeTrailer(tag)`.
 */
export async function envelopeHeader(args: { recipientCertificatesPem: string[]; cek: Uint8Array; iv: Uint8Array; contentLength: number; provider?: CryptoProvider; suite?: AlgorithmSuite }): Promise<Uint8Array> {
  const provider = args.provider ?? webProvider;
  const suite = args.suite ?? DEFAULT_SUITE;
  if (args.recipientCertificatesPem.length === 0) throw new CryptoFormatError('CMS_MALFORMED', 'an envelope needs at least one recipient');
  if (args.cek.length !== suite.contentCipher.keyLength || args.iv.length !== suite.contentCipher.ivLength) throw new RangeError('bad content key or IV length');
  const recipientInfos = await Promise.all(
    args.recipientCertificatesPem.map(async (pem) => {
      const cert = certificateInfoFromPem(pem);
      const wrapped = await provider.encryptKey(pem, args.cek, suite.keyTransport.hash);
      return seq(integer(0), issuerAndSerialNumber(cert), oaepAlgorithmIdentifier(suite.keyTransport.hash), octets(wrapped));
    }),
  );
  const gcmParameters = seq(octets(args.iv), integer(suite.contentCipher.tagLength));
  const L = args.contentLength;
  const eciHead = concat([oid(OID.data), algorithmIdentifier(suite.contentCipher.oid, gcmParameters), header(ctxPrim(0), L)]);
  const eciHeader = header(TAG.SEQUENCE, eciHead.length + L);
  const trailerLength = 2 + suite.contentCipher.tagLength;
  const aedHead = concat([integer(0), setOf(...recipientInfos), eciHeader, eciHead]);
  const aedLength = aedHead.length + L + trailerLength;
  const aedHeader = header(TAG.SEQUENCE, aedLength);
  const ciInner = concat([oid(OID.authEnvelopedData), header(ctx(0), aedHeader.length + aedLength), aedHeader, aedHead]);
  return concat([header(TAG.SEQUENCE, ciInner.length + L + trailerLength), ciInner]);
}

/** The bytes after the ciphertext: mac OCTET STRING. */
export const envelopeTrailer = (tag: Uint8Array): Uint8Array => octets(tag);

/** Encrypts `plaintext` to every certificate in `recipientCertificatesPem` (DER ContentInfo). */
export async function sealBytes(plaintext: Uint8Array, recipientCertificatesPem: string[], options: EnvelopeOptions = {}): Promise<Uint8Array> {
  const provider = options.provider ?? webProvider;
  const suite = options.suite ?? DEFAULT_SUITE;
  const cek = provider.randomBytes(suite.contentCipher.keyLength);
  const iv = provider.randomBytes(suite.contentCipher.ivLength);
  const head = await envelopeHeader({ recipientCertificatesPem, cek, iv, contentLength: plaintext.length, provider, suite });
  const { ciphertext, tag } = await provider.aesGcmEncrypt(cek, iv, plaintext);
  cek.fill(0);
  return concat([head, ciphertext, envelopeTrailer(tag)]);
}

// ---------------------------------------------------------------- parsing

export interface EnvelopeLayout {
  recipientInfos: Tlv[];
  iv: Uint8Array;
  /** Where the ciphertext lies in the full object (primitive encoding), or the ciphertext itself (BER constructed, whole buffer only). */
  ciphertext: { offset: number; length: number } | Uint8Array;
  /** Offset of the bytes after the ciphertext (the mac); only the header is needed to find it. */
  trailerOffset: number;
  /** Total length of the object. */
  end: number;
}

/**
 * Reads an AuthEnvelopedData header from `buf`, which holds at least everything before the
 * ciphertext (the whole object when `totalLength` is omitted).
 */
export function envelopeLayout(buf: Uint8Array, totalLength = buf.length): EnvelopeLayout {
  // a whole object may be BER (indefinite lengths, constructed ciphertext: `openssl cms -encrypt -stream`)
  if (totalLength === buf.length && buf[1] === 0x80) return envelopeLayoutBer(buf);
  const outer = readHeader(buf, 0, Number.MAX_SAFE_INTEGER, TAG.SEQUENCE, 'ContentInfo');
  if (outer.end > totalLength) throw new CryptoFormatError('TRUNCATED', `envelope is truncated (${totalLength} of ${outer.end} bytes)`);
  if (outer.end !== totalLength) throw malformed('trailing bytes after the envelope');
  const contentType = readTlv(buf, outer.contentOffset, Math.min(buf.length, outer.end));
  checkContentType(contentType);
  const explicit = readHeader(buf, contentType.end, outer.end, ctx(0), 'ContentInfo content');
  if (explicit.end !== outer.end) throw malformed('extra fields in ContentInfo');
  const aed = readHeader(buf, explicit.contentOffset, explicit.end, TAG.SEQUENCE, 'AuthEnvelopedData');
  if (aed.end !== explicit.end) throw malformed('extra bytes after AuthEnvelopedData');
  const limit = Math.min(buf.length, aed.end);
  const version = readTlv(buf, aed.contentOffset, limit);
  const recipientInfos = checkVersionAndRecipients(version, readTlv(buf, version.end, limit));
  const eci = readHeader(buf, recipientInfosEnd(buf, version, limit), aed.end, TAG.SEQUENCE, 'authEncryptedContentInfo');
  const eciLimit = Math.min(buf.length, eci.end);
  const eType = readTlv(buf, eci.contentOffset, eciLimit);
  const algorithm = readTlv(buf, eType.end, eciLimit);
  const iv = contentEncryption(eType, algorithm);
  const encrypted = readHeader(buf, algorithm.end, eci.end, ctxPrim(0), 'encryptedContent');
  if (encrypted.end !== eci.end) throw malformed('extra fields in authEncryptedContentInfo');
  return { recipientInfos, iv, ciphertext: { offset: encrypted.contentOffset, length: encrypted.end - encrypted.contentOffset }, trailerOffset: encrypted.end, end: aed.end };
}

/** The same for a whole BER object (definite or indefinite lengths, constructed ciphertext). */
function envelopeLayoutBer(buf: Uint8Array): EnvelopeLayout {
  const [contentType, explicit] = items(parseDer(buf), TAG.SEQUENCE, 'ContentInfo');
  checkContentType(contentType);
  const explicitChildren = children(expect(explicit, ctx(0), 'ContentInfo content'));
  if (explicitChildren.length !== 1) throw malformed('extra fields in ContentInfo');
  const fields = items(explicitChildren[0], TAG.SEQUENCE, 'AuthEnvelopedData');
  const recipientInfos = checkVersionAndRecipients(fields[0], fields[1]);
  const eci = items(fields[2], TAG.SEQUENCE, 'authEncryptedContentInfo');
  if (eci.length !== 3) throw malformed('authEncryptedContentInfo without ciphertext');
  const iv = contentEncryption(eci[0], eci[1]);
  const encrypted = eci[2]!;
  const ciphertext = encrypted.tag === ctxPrim(0) ? { offset: encrypted.start + encrypted.headerLength, length: encrypted.length } : readOctets(encrypted, 'encryptedContent', ctxPrim(0));
  const trailer = fields.slice(3);
  if (trailer.length === 0) throw malformed('mac is missing');
  return { recipientInfos, iv, ciphertext, trailerOffset: trailer[0]!.start, end: trailer[trailer.length - 1]!.end };
}

function checkContentType(contentType: Tlv | undefined): void {
  const type = readOid(contentType, 'contentType');
  if (type !== OID.authEnvelopedData) throw new CryptoFormatError('CMS_UNSUPPORTED', type === OID.envelopedData ? 'EnvelopedData (unauthenticated) is refused: AuthEnvelopedData expected' : 'not a CMS AuthEnvelopedData');
}

function checkVersionAndRecipients(version: Tlv | undefined, next: Tlv | undefined): Tlv[] {
  if (readSmallInt(version, 'AuthEnvelopedData version') !== 0) throw new CryptoFormatError('CMS_UNSUPPORTED', 'AuthEnvelopedData version other than 0');
  if (next?.tag === ctx(0)) throw new CryptoFormatError('CMS_UNSUPPORTED', 'originatorInfo is not supported');
  const recipientInfos = items(next, TAG.SET, 'recipientInfos');
  if (recipientInfos.length === 0) throw malformed('no recipientInfos');
  return recipientInfos;
}

const recipientInfosEnd = (buf: Uint8Array, version: Tlv, limit: number): number => readTlv(buf, version.end, limit).end;

/** Content type (id-data only) and AES-256-GCM parameters (RFC 5084) → the nonce. */
function contentEncryption(eType: Tlv | undefined, algorithm: Tlv | undefined): Uint8Array {
  // the content type is neither encrypted nor authenticated (RFC 5083 §2.1): accept only id-data
  if (readOid(eType, 'content type') !== OID.data) throw new CryptoFormatError('CMS_UNSUPPORTED', 'encrypted content type other than id-data');
  const [algOid, params] = items(algorithm, TAG.SEQUENCE, 'contentEncryptionAlgorithm');
  if (readOid(algOid, 'contentEncryptionAlgorithm') !== OID.aes256Gcm) throw new CryptoFormatError('CMS_UNSUPPORTED', 'content encryption other than AES-256-GCM');
  const [nonce, icvLen] = items(params, TAG.SEQUENCE, 'GCMParameters');
  const iv = readOctets(nonce, 'aes-nonce');
  if (iv.length !== 12) throw new CryptoFormatError('CMS_UNSUPPORTED', `GCM nonce of ${iv.length} bytes (12 expected)`);
  const tagLength = icvLen ? readSmallInt(icvLen, 'aes-ICVlen') : 12;
  if (tagLength !== GCM_TAG_LENGTH) throw new CryptoFormatError('CMS_UNSUPPORTED', `GCM tag of ${tagLength} bytes (16 expected)`);
  return iv;
}

/** The GCM tag from the bytes after the ciphertext (`trailer` runs to the end of the object). */
export function envelopeTag(trailer: Uint8Array): Uint8Array {
  let p = 0;
  let t = readTlv(trailer, p, trailer.length);
  if (t.tag === ctx(1)) throw new CryptoFormatError('CMS_UNSUPPORTED', 'authenticated attributes are not supported');
  const mac = readOctets(expect(t, TAG.OCTET_STRING, 'mac'), 'mac');
  p = t.end;
  if (p < trailer.length) {
    t = readTlv(trailer, p, trailer.length);
    if (t.tag !== ctx(2) || t.end !== trailer.length) throw malformed('extra fields after mac');
  }
  if (mac.length !== GCM_TAG_LENGTH) throw new CryptoVerifyError('AUTH_TAG_INVALID', `authentication tag of ${mac.length} bytes (16 expected)`);
  return mac;
}

function matchesRecipient(rid: Tlv, cert: CertificateInfo): boolean {
  if (rid.tag === TAG.SEQUENCE) {
    const [issuer, serial] = items(rid, TAG.SEQUENCE, 'IssuerAndSerialNumber');
    return equalBytes(raw(expect(issuer, TAG.SEQUENCE, 'issuer')), cert.issuer) && equalBytes(raw(expect(serial, TAG.INTEGER, 'serialNumber')), cert.serialNumber);
  }
  if (rid.tag === ctxPrim(0)) return !!cert.subjectKeyIdentifier && equalBytes(value(rid), cert.subjectKeyIdentifier);
  throw malformed('RecipientIdentifier');
}

function oaepHashOf(algorithmId: Tlv): HashName {
  const [algOid, params] = items(algorithmId, TAG.SEQUENCE, 'keyEncryptionAlgorithm');
  const algorithm = readOid(algOid, 'keyEncryptionAlgorithm');
  if (algorithm === OID.rsaEncryption) throw new CryptoFormatError('CMS_UNSUPPORTED', 'RSA PKCS#1 v1.5 key transport is refused: RSA-OAEP expected');
  if (algorithm !== OID.rsaesOaep) throw new CryptoFormatError('CMS_UNSUPPORTED', `key transport ${algorithm} is not supported`);
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  if (params && params.tag !== TAG.NULL) {
    for (const field of items(params, TAG.SEQUENCE, 'RSAES-OAEP-params')) {
      const inner = readTlv(field.buf, field.start + field.headerLength, field.end);
      if (field.tag === ctx(0)) hash = hashOf(inner, 'OAEP hashFunc');
      else if (field.tag === ctx(1)) {
        const mgf = items(inner, TAG.SEQUENCE, 'maskGenFunc');
        if (readOid(mgf[0], 'maskGenFunc') !== OID.mgf1) throw new CryptoFormatError('CMS_UNSUPPORTED', 'OAEP mask generation other than MGF1');
        mgfHash = hashOf(mgf[1], 'MGF1 hash');
      } else if (field.tag === ctx(2)) throw new CryptoFormatError('CMS_UNSUPPORTED', 'OAEP with a label (pSourceFunc) is not supported');
      else throw malformed('unknown RSAES-OAEP-params field');
    }
  }
  if (hash !== mgfHash) throw new CryptoFormatError('CMS_UNSUPPORTED', 'OAEP with an MGF1 hash different from its hash');
  return hash;
}

// ---------------------------------------------------------------- opening

/**
 * The 32-byte content key of the envelope, unwrapped with the recipient's private key. Only the
 * envelope's header is needed (`der` may be just the first bytes; give `totalLength` then).
 * NOT_A_RECIPIENT when the certificate is not among the recipients.
 */
export async function unlockContentKey(der: Uint8Array, recipient: EnvelopeRecipient, options: EnvelopeOptions & { totalLength?: number } = {}): Promise<Uint8Array> {
  const provider = options.provider ?? webProvider;
  try {
    const layout = envelopeLayout(der, options.totalLength ?? der.length);
    return await unlockFromLayout(layout, recipient, provider);
  } catch (error) {
    throw asCryptoError(error);
  }
}

export async function unlockFromLayout(layout: EnvelopeLayout, recipient: EnvelopeRecipient, provider: CryptoProvider): Promise<Uint8Array> {
  const cert = recipient.certificatePem ? certificateInfoFromPem(recipient.certificatePem) : undefined;
  for (const info of layout.recipientInfos) {
    if (info.tag !== TAG.SEQUENCE) continue; // kari/kekri/pwri/ori: not ours
    const [version, rid, algorithm, encryptedKey] = items(info, TAG.SEQUENCE, 'KeyTransRecipientInfo');
    const v = readSmallInt(version, 'KeyTransRecipientInfo version');
    if (v !== 0 && v !== 2) throw malformed(`KeyTransRecipientInfo version ${v}`);
    if (!rid || (cert && !matchesRecipient(rid, cert))) continue;
    const hash = oaepHashOf(expect(algorithm, TAG.SEQUENCE, 'keyEncryptionAlgorithm'));
    let cek: Uint8Array;
    try {
      cek = await provider.decryptKey(recipient.privateKeyPem, readOctets(encryptedKey, 'encryptedKey'), hash);
    } catch (error) {
      if (!cert && error instanceof CryptoVerifyError && error.code === 'KEY_MISMATCH') continue;
      throw error;
    }
    if (cek.length !== CEK_LENGTH) throw new CryptoVerifyError('KEY_MISMATCH', `content key of ${cek.length} bytes (32 expected)`);
    return cek;
  }
  throw new CryptoVerifyError('NOT_A_RECIPIENT', cert ? 'this certificate is not among the envelope recipients' : 'this key opens none of the envelope recipients');
}

/** Decrypts the envelope with its content key; AUTH_TAG_INVALID if anything was altered. */
export async function openWithContentKey(der: Uint8Array, cek: Uint8Array, options: EnvelopeOptions = {}): Promise<Uint8Array> {
  const provider = options.provider ?? webProvider;
  try {
    if (cek.length !== CEK_LENGTH) throw new CryptoVerifyError('KEY_MISMATCH', `content key of ${cek.length} bytes (32 expected)`);
    const layout = envelopeLayout(der);
    const ciphertext = layout.ciphertext instanceof Uint8Array ? layout.ciphertext : der.subarray(layout.ciphertext.offset, layout.ciphertext.offset + layout.ciphertext.length);
    const tag = envelopeTag(der.subarray(layout.trailerOffset, layout.end));
    return await provider.aesGcmDecrypt(cek, layout.iv, ciphertext, tag);
  } catch (error) {
    throw asCryptoError(error);
  }
}

/** unlockContentKey + openWithContentKey. */
export async function openBytes(der: Uint8Array, recipient: EnvelopeRecipient, options: EnvelopeOptions = {}): Promise<Uint8Array> {
  const cek = await unlockContentKey(der, recipient, options);
  try {
    return await openWithContentKey(der, cek, options);
  } finally {
    cek.fill(0);
  }
}

/**
 * Is this certificate among the envelope's recipients? The platform asks at upload whether a bid is
 * sealed to the trade's opening certificate, without any key (a bid sealed to the wrong key could
 * never be opened).
 */
export function layoutNamesRecipient(layout: EnvelopeLayout, certificatePem: string): boolean {
  try {
    const cert = certificateInfoFromPem(certificatePem);
    return layout.recipientInfos.some((info) => {
      if (info.tag !== TAG.SEQUENCE) return false;
      const rid = items(info, TAG.SEQUENCE, 'KeyTransRecipientInfo')[1];
      return !!rid && matchesRecipient(rid, cert);
    });
  } catch (error) {
    throw asCryptoError(error);
  }
}

/** Recipient identifiers of an envelope (issuer DER + serial INTEGER DER, or subject key id). */
export function envelopeRecipients(der: Uint8Array, totalLength = der.length): Array<{ issuerAndSerial?: Uint8Array; subjectKeyIdentifier?: Uint8Array }> {
  try {
    return envelopeLayout(der, totalLength).recipientInfos.filter((r) => r.tag === TAG.SEQUENCE).map((info) => {
      const rid = items(info, TAG.SEQUENCE, 'KeyTransRecipientInfo')[1]!;
      return rid.tag === TAG.SEQUENCE ? { issuerAndSerial: new Uint8Array(raw(rid)) } : { subjectKeyIdentifier: new Uint8Array(value(rid)) };
    });
  } catch (error) {
    throw asCryptoError(error);
  }
}

