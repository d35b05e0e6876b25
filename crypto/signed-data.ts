/**
 * CMS SignedData (RFC 5652 §5) with one signer, signed attributes contentType, messageDigest,
 * signingTime and signingCertificateV2 (RFC 5035 ESSCertIDv2 over the signer certificate).
 * Signing: RSA-PSS/SHA-256 by default (the suite's signature). Verification accepts RSA-PSS and
 * PKCS#1 v1.5 with SHA-256/384/512, so `openssl cms -sign` output (either padding) verifies.
 * Verification checks the signature, the messageDigest and that the signer certificate matches the
 * SignerIdentifier; chain, validity and revocation are checked by the caller (crypto/certificates.ts).
 */
import { certificateInfo, certificateInfoFromPem, type CertificateInfo } from './cert-info.js';
import {
  algorithmIdentifier, children, concat, ctx, ctxPrim, equalBytes, expect, header, integer, items, malformed, octets, oid,
  parseDer, raw, readOctets, readOid, readSmallInt, readTime, readTlv, seq, setOf, TAG, time, tlv, value, type Tlv,
} from './der.js';
import { CryptoError, CryptoFormatError, CryptoVerifyError } from './errors.js';
import { OID } from './oids.js';
import { certificateDerToPem, pemBlocks } from './pem.js';
import type { CryptoProvider } from './provider.js';
import { DEFAULT_SUITE, HASH_OIDS, hashNameFromOid, type AlgorithmSuite, type HashName, type SignatureAlgorithm } from './suite.js';
import { webProvider } from './web/provider.js';

export interface CmsSigner {
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** Intermediate (and optionally root) certificates to embed, so a verifier can build the chain. */
  chainPem?: string[];
}

export interface SignOptions {
  signingTime?: Date;
  provider?: CryptoProvider;
  suite?: AlgorithmSuite;
  /** Which of the suite's signatures: 'outer' (default: suite.signature) or 'inner'. */
  role?: 'outer' | 'inner';
}

export interface VerifyOptions {
  /** The content of a detached signature. */
  detachedContent?: Uint8Array;
  /** Or its digest, for streamed content (the signer's digest algorithm must match). */
  detachedDigest?: { hash: HashName; value: Uint8Array };
  /** Candidate signer certificates when the SignedData carries none (openssl -nocerts). */
  extraCertificatesPem?: string[];
  provider?: CryptoProvider;
}

export interface VerifiedSignedData {
  /** The encapsulated content (empty for a detached signature). */
  content: Uint8Array;
  detached: boolean;
  eContentType: string;
  signerCertificatePem: string;
  /** Every certificate carried in the SignedData (signer and chain), PEM. */
  certificatesPem: string[];
  signingTime?: Date;
  signatureAlgorithm: SignatureAlgorithm;
  /** The digest of the content, as signed in messageDigest. */
  contentDigest: Uint8Array;
}

// ---------------------------------------------------------------- signing

/** A SignedData split around its eContent, so big content can be streamed between the two halves. */
export interface SignedDataParts {
  /** Everything before the eContent octets (ends with the OCTET STRING header when attached). */
  prefix: Uint8Array;
  /** Everything after them (certificates, signerInfos). */
  suffix: Uint8Array;
}

export function signatureAlgorithmIdentifier(algorithm: SignatureAlgorithm): Uint8Array {
  const hashId = algorithmIdentifier(HASH_OIDS[algorithm.hash]);
  if (algorithm.name === 'RSA-PSS') {
    // RSASSA-PSS-params (RFC 4055 §3.1); the trailer field keeps its default
    return algorithmIdentifier(OID.rsassaPss, seq(tlv(ctx(0), hashId), tlv(ctx(1), algorithmIdentifier(OID.mgf1, hashId)), tlv(ctx(2), integer(algorithm.saltLength))));
  }
  const byHash: Record<HashName, string> = { 'SHA-1': OID.sha1WithRSAEncryption, 'SHA-256': OID.sha256WithRSAEncryption, 'SHA-384': OID.sha384WithRSAEncryption, 'SHA-512': OID.sha512WithRSAEncryption };
  return algorithmIdentifier(byHash[algorithm.hash], Uint8Array.of(0x05, 0x00));
}

export const issuerAndSerialNumber = (cert: CertificateInfo): Uint8Array => seq(cert.issuer, cert.serialNumber);

/** ESSCertIDv2 with the default hash (SHA-256, so omitted) and the issuer/serial (RFC 5035 §4). */
async function signingCertificateV2(cert: CertificateInfo, provider: CryptoProvider): Promise<Uint8Array> {
  const certHash = await provider.sha256(cert.der);
  const issuerSerial = seq(seq(tlv(ctx(4), cert.issuer)), cert.serialNumber);
  return seq(seq(seq(octets(certHash), issuerSerial)));
}

const attribute = (type: string, ...values: Uint8Array[]): Uint8Array => seq(oid(type), setOf(...values));

/**
 * Builds the SignedData around content of `contentLength` bytes (null: detached) whose digest
 * (the suite's digest) is `contentDigest`.
 */
export async function signedDataParts(contentDigest: Uint8Array, contentLength: number | null, signer: CmsSigner, options: SignOptions = {}): Promise<SignedDataParts> {
  const provider = options.provider ?? webProvider;
  const suite = options.suite ?? DEFAULT_SUITE;
  const algorithm = options.role === 'inner' ? suite.innerSignature : suite.signature;
  const cert = certificateInfoFromPem(signer.certificatePem);
  const chain = (signer.chainPem ?? []).flatMap((pem) => pemBlocks(pem).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der));
  const signingTime = options.signingTime ?? new Date();

  const signedAttributes = setOf(
    attribute(OID.contentType, oid(OID.data)),
    attribute(OID.signingTime, time(signingTime)),
    attribute(OID.messageDigest, octets(contentDigest)),
    attribute(OID.signingCertificateV2, await signingCertificateV2(cert, provider)),
  );
  const signature = await provider.sign(algorithm, signer.privateKeyPem, signedAttributes);
  const signerInfo = seq(
    integer(1),
    issuerAndSerialNumber(cert),
    algorithmIdentifier(HASH_OIDS[suite.digest.name]),
    concat([Uint8Array.of(ctx(0)), signedAttributes.subarray(1)]), // [0] IMPLICIT SET OF Attribute
    signatureAlgorithmIdentifier(algorithm),
    octets(signature),
  );
  const seen = new Set<string>();
  const certificates = [cert.der, ...chain].filter((der) => {
    const key = Array.from(der.subarray(0, 64)).join(',') + der.length;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const suffix = concat([tlv(ctx(0), ...certificates), setOf(signerInfo)]);

  // eContent: [0] EXPLICIT OCTET STRING, definite lengths computed from contentLength
  const L = contentLength ?? 0;
  const octetHeader = contentLength === null ? new Uint8Array(0) : header(TAG.OCTET_STRING, L);
  const explicitHeader = contentLength === null ? new Uint8Array(0) : header(ctx(0), octetHeader.length + L);
  const eciInner = concat([oid(OID.data), explicitHeader, octetHeader]);
  const eciLength = eciInner.length + L;
  const sdHead = concat([integer(1), setOf(algorithmIdentifier(HASH_OIDS[suite.digest.name])), header(TAG.SEQUENCE, eciLength), eciInner]);
  const sdLength = sdHead.length + L + suffix.length;
  const sdHeader = header(TAG.SEQUENCE, sdLength);
  const explicitSd = header(ctx(0), sdHeader.length + sdLength);
  const ciInner = concat([oid(OID.signedData), explicitSd, sdHeader, sdHead]);
  const prefix = concat([header(TAG.SEQUENCE, ciInner.length + L + suffix.length), ciInner]);
  return { prefix, suffix };
}

/** SignedData with the content inside (DER ContentInfo). */
export async function signAttached(content: Uint8Array, signer: CmsSigner, options: SignOptions = {}): Promise<Uint8Array> {
  const provider = options.provider ?? webProvider;
  const digest = await provider.digest((options.suite ?? DEFAULT_SUITE).digest.name, content);
  const { prefix, suffix } = await signedDataParts(digest, content.length, signer, options);
  return concat([prefix, content, suffix]);
}

/** Detached SignedData over `content` (DER ContentInfo without eContent). */
export async function signDetached(content: Uint8Array, signer: CmsSigner, options: SignOptions = {}): Promise<Uint8Array> {
  const provider = options.provider ?? webProvider;
  return signDetachedDigest(await provider.digest((options.suite ?? DEFAULT_SUITE).digest.name, content), signer, options);
}

/** Detached SignedData from the digest of streamed content (the suite's digest algorithm). */
export async function signDetachedDigest(contentDigest: Uint8Array, signer: CmsSigner, options: SignOptions = {}): Promise<Uint8Array> {
  const { prefix, suffix } = await signedDataParts(contentDigest, null, signer, options);
  return concat([prefix, suffix]);
}

// ---------------------------------------------------------------- parsing

/** SignedData fields after encapContentInfo: certificates, crls, signerInfos. */
export interface SignedDataTail {
  certificates: Uint8Array[];
  signerInfo: Tlv;
}

/** Where a SignedData's eContent lies, found from its first bytes (for streaming). */
export interface SignedDataLayout {
  eContentType: string;
  /** The digestAlgorithms field (unsigned: checked to include the signer's digest algorithm). */
  digestHashes: HashName[];
  /** Offset and length of the eContent octets, or null when detached. */
  content: { offset: number; length: number } | null;
  /** Offset where the tail (certificates, signerInfos) starts, and where the SignedData ends. */
  tailOffset: number;
  end: number;
}

/**
 * Reads ContentInfo → SignedData up to the eContent octets. `buf` may be only the beginning of the
 * object (`totalLength` is the full size); the eContent must be a primitive definite OCTET STRING for
 * streaming, a BER constructed one is accepted when the whole object is in `buf`.
 */
export function signedDataLayout(buf: Uint8Array, totalLength = buf.length): SignedDataLayout {
  const outer = readHeader(buf, 0, Number.MAX_SAFE_INTEGER, TAG.SEQUENCE, 'ContentInfo');
  if (outer.end > totalLength) throw new CryptoFormatError('TRUNCATED', 'SignedData is truncated');
  if (outer.end !== totalLength) throw malformed('trailing bytes after ContentInfo');
  const contentType = readTlv(buf, outer.contentOffset, Math.min(buf.length, outer.end));
  if (readOid(contentType, 'contentType') !== OID.signedData) throw new CryptoFormatError('CMS_UNSUPPORTED', 'not a CMS SignedData');
  const explicit = readHeader(buf, contentType.end, outer.end, ctx(0), 'ContentInfo content');
  const sd = readHeader(buf, explicit.contentOffset, explicit.end, TAG.SEQUENCE, 'SignedData');
  if (explicit.end !== outer.end || sd.end !== explicit.end) throw malformed('extra bytes around SignedData');
  const version = readTlv(buf, sd.contentOffset, Math.min(buf.length, sd.end));
  checkVersion(readSmallInt(version, 'SignedData version'));
  const digestAlgorithms = readTlv(buf, version.end, Math.min(buf.length, sd.end));
  const digestHashes = digestAlgorithmsOf(digestAlgorithms);
  const eci = readHeader(buf, digestAlgorithms.end, sd.end, TAG.SEQUENCE, 'encapContentInfo');
  const eType = readTlv(buf, eci.contentOffset, Math.min(buf.length, eci.end));
  const eContentType = readOid(eType, 'eContentType');
  if (eType.end === eci.end) return { eContentType, digestHashes, content: null, tailOffset: eci.end, end: sd.end };
  const eExplicit = readHeader(buf, eType.end, eci.end, ctx(0), 'eContent');
  if (eExplicit.end !== eci.end) throw malformed('extra fields in encapContentInfo');
  const octet = readHeader(buf, eExplicit.contentOffset, eExplicit.end, TAG.OCTET_STRING, 'eContent OCTET STRING', true);
  if (octet.end !== eExplicit.end) throw malformed('extra fields in eContent');
  return { eContentType, digestHashes, content: { offset: octet.contentOffset, length: octet.end - octet.contentOffset }, tailOffset: eci.end, end: sd.end };
}

/** SignedData version: 1, or 3 with a subjectKeyIdentifier signer or non-data content (RFC 5652 §5.1). */
function checkVersion(v: number): void {
  if (v !== 1 && v !== 3) throw new CryptoFormatError('CMS_UNSUPPORTED', `SignedData version ${v}`);
}

function digestAlgorithmsOf(set: Tlv | undefined): HashName[] {
  return items(set, TAG.SET, 'digestAlgorithms').map((algorithm) => hashOf(algorithm, 'digestAlgorithms'));
}

interface HeaderInfo {
  tag: number;
  contentOffset: number;
  end: number;
}

/**
 * Reads only a tag and a definite length at `offset` (the content may lie beyond `buf`), checking
 * that the element ends within `limit`.
 */
export function readHeader(buf: Uint8Array, offset: number, limit: number, tag: number, what: string, allowConstructed = false): HeaderInfo {
  if (offset + 2 > buf.length) throw new CryptoFormatError('TRUNCATED', `${what}: header beyond the available bytes`);
  const found = buf[offset]!;
  if (found !== tag && !(allowConstructed && found === (tag | 0x20))) throw malformed(`${what}: expected tag 0x${tag.toString(16)}, found 0x${found.toString(16)} at offset ${offset}`);
  const first = buf[offset + 1]!;
  if (first === 0x80) throw new CryptoFormatError('CMS_UNSUPPORTED', `${what}: indefinite length (BER) is not supported when streaming`);
  let p = offset + 2;
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 6) throw malformed(`${what}: length field too long`);
    if (p + n > buf.length) throw new CryptoFormatError('TRUNCATED', `${what}: header beyond the available bytes`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  if (p + length > limit) throw malformed(`${what} runs past its container (${length} bytes at offset ${offset})`);
  if (found !== tag) throw new CryptoFormatError('CMS_UNSUPPORTED', `${what}: constructed encoding is not supported when streaming`);
  return { tag: found, contentOffset: p, end: p + length };
}

/** Parses certificates / crls / signerInfos from `tail` (the bytes between eContent and the end of SignedData). */
export function parseSignedDataTail(tail: Uint8Array): SignedDataTail {
  const fields: Tlv[] = [];
  for (let p = 0; p < tail.length; ) {
    const t = readTlv(tail, p, tail.length);
    fields.push(t);
    p = t.end;
  }
  let i = 0;
  let certificates: Uint8Array[] = [];
  if (fields[i]?.tag === ctx(0)) {
    // CertificateChoices: only plain certificates are used; attribute certificates are ignored
    certificates = children(fields[i]!).filter((c) => c.tag === TAG.SEQUENCE).map((c) => new Uint8Array(raw(c)));
    i++;
  }
  if (fields[i]?.tag === ctx(1)) i++; // crls
  const signerInfos = items(fields[i], TAG.SET, 'signerInfos');
  if (i + 1 !== fields.length) throw malformed('extra fields after signerInfos');
  if (signerInfos.length !== 1) throw new CryptoFormatError('CMS_UNSUPPORTED', `${signerInfos.length} signers (exactly one expected)`);
  return { certificates, signerInfo: signerInfos[0]! };
}

// ---------------------------------------------------------------- verifying

/** Signature algorithm of a SignerInfo (RSA-PSS params per RFC 4055, or PKCS#1 v1.5). */
function signatureAlgorithmOf(algorithmId: Tlv, digestHash: HashName): SignatureAlgorithm {
  const parts = items(algorithmId, TAG.SEQUENCE, 'signatureAlgorithm');
  const algorithm = readOid(parts[0], 'signatureAlgorithm');
  const pkcs1: Record<string, HashName> = {
    [OID.sha256WithRSAEncryption]: 'SHA-256',
    [OID.sha384WithRSAEncryption]: 'SHA-384',
    [OID.sha512WithRSAEncryption]: 'SHA-512',
  };
  if (algorithm === OID.rsaEncryption) return { name: 'RSASSA-PKCS1-v1_5', hash: digestHash };
  if (pkcs1[algorithm]) {
    if (pkcs1[algorithm] !== digestHash) throw malformed('signature and digest algorithms disagree');
    return { name: 'RSASSA-PKCS1-v1_5', hash: digestHash };
  }
  if (algorithm !== OID.rsassaPss) throw new CryptoFormatError('CMS_UNSUPPORTED', `signature algorithm ${algorithm} is not supported`);
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let saltLength = 20;
  const params = parts[1];
  if (params && params.tag !== TAG.NULL) {
    for (const field of items(params, TAG.SEQUENCE, 'RSASSA-PSS-params')) {
      const [inner] = children(field);
      if (field.tag === ctx(0)) hash = hashOf(inner, 'PSS hashAlgorithm');
      else if (field.tag === ctx(1)) {
        const mgf = items(inner, TAG.SEQUENCE, 'maskGenAlgorithm');
        if (readOid(mgf[0], 'maskGenAlgorithm') !== OID.mgf1) throw new CryptoFormatError('CMS_UNSUPPORTED', 'PSS mask generation other than MGF1');
        mgfHash = hashOf(mgf[1], 'MGF1 hash');
      } else if (field.tag === ctx(2)) saltLength = readSmallInt(inner, 'PSS saltLength');
      else if (field.tag === ctx(3)) {
        if (readSmallInt(inner, 'PSS trailerField') !== 1) throw malformed('PSS trailerField must be 1');
      } else throw malformed('unknown RSASSA-PSS-params field');
    }
  }
  if (mgfHash !== hash) throw new CryptoFormatError('CMS_UNSUPPORTED', 'PSS with an MGF1 hash different from the message hash');
  if (hash !== digestHash) throw malformed('PSS hash and digest algorithm disagree');
  return { name: 'RSA-PSS', hash, saltLength };
}

export function hashOf(algorithmId: Tlv | undefined, what: string): HashName {
  const parts = items(algorithmId, TAG.SEQUENCE, what);
  const id = readOid(parts[0], what);
  const hash = hashNameFromOid(id);
  if (!hash) throw new CryptoFormatError('CMS_UNSUPPORTED', `${what}: hash ${id} is not supported`);
  return hash;
}

function matchesSignerId(sid: Tlv, cert: CertificateInfo): boolean {
  if (sid.tag === TAG.SEQUENCE) {
    const [issuer, serial] = items(sid, TAG.SEQUENCE, 'IssuerAndSerialNumber');
    return equalBytes(raw(expect(issuer, TAG.SEQUENCE, 'issuer')), cert.issuer) && equalBytes(raw(expect(serial, TAG.INTEGER, 'serialNumber')), cert.serialNumber);
  }
  if (sid.tag === ctxPrim(0)) return !!cert.subjectKeyIdentifier && equalBytes(value(sid), cert.subjectKeyIdentifier);
  throw malformed('SignerIdentifier');
}

/**
 * Verifies one SignerInfo against the content digest computed by the caller with `digestHash`.
 * `digestOf(hash)` is asked for the content digest in the signer's hash algorithm.
 */
export async function verifySignerInfo(args: {
  eContentType: string;
  digestHashes: HashName[];
  tail: SignedDataTail;
  digestOf: (hash: HashName) => Promise<Uint8Array>;
  extraCertificatesPem?: string[];
  provider: CryptoProvider;
}): Promise<Omit<VerifiedSignedData, 'content' | 'detached' | 'eContentType'>> {
  const { provider, tail } = args;
  const fields = items(tail.signerInfo, TAG.SEQUENCE, 'SignerInfo');
  const version = readSmallInt(fields[0], 'SignerInfo version');
  if (version !== 1 && version !== 3) throw malformed(`SignerInfo version ${version}`);
  const sid = fields[1];
  if (!sid) throw malformed('SignerIdentifier is missing');
  const digestHash = hashOf(fields[2], 'digestAlgorithm');
  if (!args.digestHashes.includes(digestHash)) throw malformed('digestAlgorithms does not list the signer\'s digest algorithm');
  const signedAttrs = fields[3]?.tag === ctx(0) ? fields[3] : undefined;
  if (!signedAttrs) throw new CryptoFormatError('CMS_UNSUPPORTED', 'SignerInfo without signed attributes');
  const signatureAlgorithm = signatureAlgorithmOf(expect(fields[4], TAG.SEQUENCE, 'signatureAlgorithm'), digestHash);
  const signature = readOctets(fields[5], 'signature');
  if (fields.length > 7 || (fields[6] && fields[6].tag !== ctx(1))) throw malformed('extra fields in SignerInfo');

  const candidates = [...tail.certificates, ...(args.extraCertificatesPem ?? []).flatMap((pem) => pemBlocks(pem).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der))];
  const signerCert = candidates.map((der) => certificateInfo(der)).find((cert) => matchesSignerId(sid, cert));
  if (!signerCert) throw new CryptoVerifyError('SIGNER_MISMATCH', 'no certificate matches the signer identifier');
  const signerCertificatePem = certificateDerToPem(signerCert.der);

  // signed attributes: exactly one value each (RFC 5652 §5.3, §11)
  let contentType: string | undefined;
  let messageDigest: Uint8Array | undefined;
  let signingTime: Date | undefined;
  let essCertHash: { hash: HashName; value: Uint8Array } | undefined;
  const seen = new Set<string>();
  for (const attr of children(signedAttrs)) {
    const [typeTlv, values] = items(attr, TAG.SEQUENCE, 'Attribute');
    const type = readOid(typeTlv, 'attribute type');
    if (seen.has(type)) throw malformed(`attribute ${type} appears twice`);
    seen.add(type);
    const valueList = items(values, TAG.SET, `attribute ${type} values`);
    const first = valueList[0];
    if (type === OID.contentType) contentType = readOid(first, 'contentType attribute');
    else if (type === OID.messageDigest) messageDigest = readOctets(first, 'messageDigest attribute');
    else if (type === OID.signingTime) signingTime = readTime(first, 'signingTime attribute');
    else if (type === OID.signingCertificateV2 || type === OID.signingCertificate) {
      const [certs] = items(first, TAG.SEQUENCE, 'SigningCertificate');
      const [essCertId] = items(certs, TAG.SEQUENCE, 'SigningCertificate certs');
      const idFields = items(essCertId, TAG.SEQUENCE, 'ESSCertID');
      let hash: HashName = type === OID.signingCertificate ? 'SHA-1' : 'SHA-256';
      let k = 0;
      if (type === OID.signingCertificateV2 && idFields[0]?.tag === TAG.SEQUENCE) hash = hashOf(idFields[k++], 'ESSCertIDv2 hashAlgorithm');
      essCertHash = { hash, value: readOctets(idFields[k], 'certHash') };
    }
    if ((type === OID.contentType || type === OID.messageDigest || type === OID.signingTime) && valueList.length !== 1) throw malformed(`attribute ${type} must have one value`);
  }
  if (!contentType || !messageDigest) throw malformed('signed attributes lack contentType or messageDigest');
  if (contentType !== args.eContentType) throw new CryptoVerifyError('SIGNATURE_INVALID', 'contentType attribute does not match the eContentType');
  if (!equalBytes(messageDigest, await args.digestOf(digestHash))) throw new CryptoVerifyError('DIGEST_MISMATCH', 'messageDigest does not match the content');
  if (essCertHash && !equalBytes(essCertHash.value, await provider.digest(essCertHash.hash, signerCert.der))) {
    throw new CryptoVerifyError('SIGNER_MISMATCH', 'the signing-certificate attribute names a different certificate');
  }
  // the signature covers the DER of the attributes with the SET OF tag (RFC 5652 §5.4)
  // A copy, never a view: a Buffer's slice() shares memory, and re-tagging must not touch the caller's bytes.
  const signedBytes = new Uint8Array(raw(signedAttrs));
  signedBytes[0] = TAG.SET;
  if (!(await provider.verify(signatureAlgorithm, signerCertificatePem, signedBytes, signature))) {
    throw new CryptoVerifyError('SIGNATURE_INVALID', 'the signature does not verify with the signer certificate');
  }
  return {
    signerCertificatePem,
    certificatesPem: tail.certificates.map(certificateDerToPem),
    ...(signingTime ? { signingTime } : {}),
    signatureAlgorithm,
    contentDigest: messageDigest,
  };
}

/**
 * Verifies a DER SignedData (attached, or detached with `detachedContent`/`detachedDigest`).
 * Malformed input → CryptoFormatError; a failing check → CryptoVerifyError.
 */
export async function verifySignedData(der: Uint8Array, options: VerifyOptions = {}): Promise<VerifiedSignedData> {
  const provider = options.provider ?? webProvider;
  try {
    const { eContentType, digestHashes, content, tail } = parseSignedData(der);
    const detached = content === null;
    if (detached && !options.detachedContent && !options.detachedDigest) throw new CryptoFormatError('CMS_MALFORMED', 'detached signature: the content was not given');
    if (!detached && (options.detachedContent || options.detachedDigest)) throw new CryptoFormatError('CMS_MALFORMED', 'the signature is not detached but detached content was given');
    const digestOf = async (hash: HashName): Promise<Uint8Array> => {
      if (options.detachedDigest) {
        if (options.detachedDigest.hash !== hash) throw new CryptoFormatError('CMS_UNSUPPORTED', `the signer used ${hash}, the content was hashed with ${options.detachedDigest.hash}`);
        return options.detachedDigest.value;
      }
      return provider.digest(hash, content ?? options.detachedContent!);
    };
    const verified = await verifySignerInfo({ eContentType, digestHashes, tail, digestOf, provider, ...(options.extraCertificatesPem ? { extraCertificatesPem: options.extraCertificatesPem } : {}) });
    return { content: content ?? new Uint8Array(0), detached, eContentType, ...verified };
  } catch (error) {
    throw asCryptoError(error);
  }
}

/** Parses a whole SignedData (BER constructed eContent accepted). */
export function parseSignedData(der: Uint8Array): { eContentType: string; digestHashes: HashName[]; content: Uint8Array | null; tail: SignedDataTail } {
  const ci = parseDer(der);
  const [typeTlv, explicit] = items(ci, TAG.SEQUENCE, 'ContentInfo');
  if (readOid(typeTlv, 'contentType') !== OID.signedData) throw new CryptoFormatError('CMS_UNSUPPORTED', 'not a CMS SignedData');
  const [sd] = children(expect(explicit, ctx(0), 'ContentInfo content'));
  const fields = items(sd, TAG.SEQUENCE, 'SignedData');
  checkVersion(readSmallInt(fields[0], 'SignedData version'));
  const digestHashes = digestAlgorithmsOf(fields[1]);
  const eci = items(fields[2], TAG.SEQUENCE, 'encapContentInfo');
  const eContentType = readOid(eci[0], 'eContentType');
  let content: Uint8Array | null = null;
  if (eci[1]) {
    const [octet] = children(expect(eci[1], ctx(0), 'eContent'));
    content = readOctets(octet, 'eContent');
  }
  const tailStart = fields[3]?.start ?? fields[2]!.end;
  const tail = parseSignedDataTail(der.subarray(tailStart, fields[fields.length - 1]!.end));
  return { eContentType, digestHashes, content, tail };
}

/** Anything thrown while parsing becomes a typed error: never a raw TypeError/RangeError. */
export function asCryptoError(error: unknown): CryptoError {
  if (error instanceof CryptoError) return error;
  return malformed(error instanceof Error ? error.message : 'unexpected structure', error);
}

/** The certificate info of a PEM certificate (re-exported for callers comparing signers). */
export { certificateInfoFromPem };
export const sameCertificate = (aPem: string, bPem: string): boolean => equalBytes(certificateInfoFromPem(aPem).der, certificateInfoFromPem(bPem).der);
