/**
 * Shared pkijs plumbing for the opening key, the timestamp authority and the receipt: PEM/base64
 * without Buffer, certificate parsing, a SignedData builder that OpenSSL verifies, a SignerInfo
 * checker that needs only the content bytes (RFC 5652 §5.4, §5.6), and chain validation.
 * Isomorphic: WebCrypto (`globalThis.crypto`) for every key operation, no node:* imports.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CertificateError, CryptoFormatError, CryptoVerifyError } from './errors.js';
import { OID } from './oids.js';
import { bytesToBase64, derToPem } from './pem.js';

/** WebCrypto's key type, named without the DOM lib (tsconfig has none) and without node:crypto. */
export type WebCryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

let engineReady = false;
/** pkijs needs an engine; WebCrypto exists in browsers and in Node ≥ 19, so one setup serves both. */
export function ensurePkijsEngine(): void {
  if (engineReady) return;
  pkijs.setEngine('tenderhall', new pkijs.CryptoEngine({ name: 'tenderhall', crypto: globalThis.crypto }));
  engineReady = true;
}

// ---------- bytes, base64, PEM ----------

// Encoding has one home (pem.ts); decoding here stays strict-canonical on purpose.
export { bytesToBase64 };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Strict base64: refuses anything that would not re-encode to the same text (so a flipped character never decodes silently). */
export function base64ToBytes(text: string): Uint8Array | null {
  if (!BASE64.test(text)) return null;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return bytesToBase64(out) === text ? out : null;
}

/** Every PEM block with the given label, in order. */
export function pemBlocks(pem: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  for (const match of pem.matchAll(re)) {
    const der = base64ToBytes((match[1] ?? '').replace(/\s+/g, ''));
    if (!der || der.length === 0) throw new CryptoFormatError('PEM_MALFORMED', `a ${label} PEM block is not valid base64`);
    out.push(der);
  }
  return out;
}

export function pemToDer(pem: string, label: string): Uint8Array {
  const [first] = pemBlocks(pem, label);
  if (!first) throw new CryptoFormatError('PEM_MALFORMED', `no ${label} PEM block found`);
  return first;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
}

/** A view of exactly these bytes as an ArrayBuffer (pkijs/asn1js want ArrayBuffers, not offset views). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

// ---------- certificates ----------

export function parseCertificateDer(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (cause) {
    throw new CryptoFormatError('PEM_MALFORMED', 'not an X.509 certificate', { cause });
  }
}

export function parseCertificatePem(pem: string): { certificate: pkijs.Certificate; der: Uint8Array } {
  const der = pemToDer(pem, 'CERTIFICATE');
  return { certificate: parseCertificateDer(der), der };
}

export function certificatesFromPem(pem: string | undefined): { certificate: pkijs.Certificate; der: Uint8Array }[] {
  if (!pem) return [];
  return pemBlocks(pem, 'CERTIFICATE').map((der) => ({ certificate: parseCertificateDer(der), der }));
}

export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema(true).toBER());
}

export function certificatePem(certificate: pkijs.Certificate): string {
  return derToPem(certificateDer(certificate), 'CERTIFICATE');
}

/** Extended key usage OIDs of a certificate, and whether the extension is critical. */
export function extendedKeyUsage(certificate: pkijs.Certificate): { critical: boolean; usages: string[] } | null {
  const ext = certificate.extensions?.find((e) => e.extnID === '2.5.29.37');
  if (!ext) return null;
  const parsed = ext.parsedValue as pkijs.ExtKeyUsage | undefined;
  return { critical: ext.critical, usages: parsed?.keyPurposes ?? [] };
}

/** Unsigned big-endian integer bytes without leading zeros. */
export function integerBytes(value: asn1js.Integer): Uint8Array {
  const raw = value.valueBlock.valueHexView;
  let start = 0;
  while (start < raw.length - 1 && raw[start] === 0) start++;
  return raw.slice(start);
}

/**
 * Chain validation against explicit trust anchors at `atTime` (pkijs' RFC 5280 path engine). The
 * CA module has its own status checks (CRL); this is the offline check an auditor's OpenSSL does.
 */
export async function validateChain(leaf: pkijs.Certificate, intermediates: pkijs.Certificate[], trustAnchors: pkijs.Certificate[], atTime: Date): Promise<void> {
  ensurePkijsEngine();
  if (trustAnchors.length === 0) throw new CertificateError('CERT_UNTRUSTED', 'no trust anchors given');
  const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: trustAnchors, certs: [...intermediates, leaf], checkDate: atTime });
  let result: { result: boolean; resultMessage: string; resultCode: number };
  try {
    result = await engine.verify();
  } catch (error) {
    const message = (error as { resultMessage?: string }).resultMessage ?? String(error);
    throw new CertificateError('CERT_UNTRUSTED', `certificate chain does not validate: ${message}`, { cause: error });
  }
  if (!result.result) {
    const message = result.resultMessage;
    if (/expired|after/i.test(message) || /not yet|before/i.test(message)) {
      throw new CertificateError(leaf.notBefore.value > atTime ? 'CERT_NOT_YET_VALID' : 'CERT_EXPIRED', `certificate not valid at ${atTime.toISOString()}: ${message}`);
    }
    throw new CertificateError('CERT_UNTRUSTED', `certificate chain does not validate: ${message}`);
  }
}

// ---------- keys ----------

/** Imports a PKCS#8 RSA private key for RSASSA-PKCS1-v1_5 with SHA-256 — what `openssl ts`/`cms` verify by default. */
export async function importRsaSigningKey(privateKeyPem: string): Promise<WebCryptoKey> {
  const der = pemToDer(privateKeyPem, 'PRIVATE KEY');
  try {
    return await globalThis.crypto.subtle.importKey('pkcs8', toArrayBuffer(der), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  } catch (cause) {
    throw new CryptoFormatError('PEM_MALFORMED', 'the private key is not a PKCS#8 RSA key', { cause });
  }
}

/** RSA public key (modulus, exponent) of a certificate; CMS_UNSUPPORTED for non-RSA keys. */
export function rsaPublicKeyOf(certificate: pkijs.Certificate): { modulus: Uint8Array; publicExponent: Uint8Array } {
  const spki = certificate.subjectPublicKeyInfo;
  if (spki.algorithm.algorithmId !== OID.rsaEncryption) throw new CryptoFormatError('CMS_UNSUPPORTED', `certificate key algorithm ${spki.algorithm.algorithmId} is not RSA`);
  const parsed = spki.parsedKey;
  if (!(parsed instanceof pkijs.RSAPublicKey)) throw new CryptoFormatError('PEM_MALFORMED', 'certificate RSA public key is malformed');
  return { modulus: integerBytes(parsed.modulus), publicExponent: integerBytes(parsed.publicExponent) };
}

// ---------- SignedData ----------

function attribute(type: string, value: asn1js.AsnType): pkijs.Attribute {
  return new pkijs.Attribute({ type, values: [value] });
}

/** ESSCertIDv2 inside SigningCertificateV2 (RFC 5035 §3): SHA-256 (the default, so omitted) of the signer's certificate plus its issuer/serial. */
export async function signingCertificateV2Attribute(signer: pkijs.Certificate, signerDer: Uint8Array): Promise<pkijs.Attribute> {
  const certHash = await sha256(signerDer);
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [signer.issuer.toSchema()] })] }),
      new asn1js.Integer({ valueHex: signer.serialNumber.valueBlock.valueHexView.slice().buffer }),
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: toArrayBuffer(certHash) }), issuerSerial] });
  const signingCertificateV2 = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return attribute(OID.signingCertificateV2, signingCertificateV2);
}

export interface SignedDataInput {
  eContentType: string;
  content: Uint8Array;
  signerCertificatePem: string;
  /** Further certificates to embed (e.g. the issuing CA), PEM. */
  chainPem?: string;
  privateKey: WebCryptoKey;
  /** Signed attributes beyond contentType, messageDigest and signingCertificateV2. */
  extraSignedAttributes?: pkijs.Attribute[];
  signingTime?: Date;
}

/**
 * A DER ContentInfo(SignedData) with attached content, signed with RSASSA-PKCS1-v1_5/SHA-256, signed
 * attributes: contentType, messageDigest, signingCertificateV2 (+ signingTime, extras). Attributes are
 * sorted into DER SET OF order because OpenSSL re-encodes them before checking the signature.
 */
export async function buildSignedData(input: SignedDataInput): Promise<Uint8Array> {
  ensurePkijsEngine();
  const { certificate: signer, der: signerDer } = parseCertificatePem(input.signerCertificatePem);
  const chain = certificatesFromPem(input.chainPem).filter((c) => !equalBytes(c.der, signerDer));
  const attributes: pkijs.Attribute[] = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: input.eContentType })),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: toArrayBuffer(await sha256(input.content)) })),
    await signingCertificateV2Attribute(signer, signerDer),
    ...(input.signingTime ? [attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: input.signingTime }))] : []),
    ...(input.extraSignedAttributes ?? []),
  ];
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER()) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  const signedData = new pkijs.SignedData({
    version: 3,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: input.eContentType,
      eContent: new asn1js.OctetString({ valueHex: toArrayBuffer(input.content) }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: signer.issuer, serialNumber: signer.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: encoded.map((e) => e.a) }),
      }),
    ],
    certificates: [signer, ...chain.map((c) => c.certificate)],
  });
  // pkijs turns eContent into a constructed (BER) OCTET STRING; DER wants it primitive (RFC 5652 §5.2 is DER for TSTInfo).
  signedData.encapContentInfo.eContent = new asn1js.OctetString({ valueHex: toArrayBuffer(input.content) });
  await signedData.sign(input.privateKey, 0, 'SHA-256');
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER());
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export interface CheckedSignedData {
  eContentType: string;
  content: Uint8Array;
  signer: pkijs.Certificate;
  signerDer: Uint8Array;
  /** Every certificate carried in the SignedData (signer included). */
  certificates: pkijs.Certificate[];
  signerInfo: pkijs.SignerInfo;
  signedAttribute(type: string): pkijs.Attribute | undefined;
}

/**
 * Parses DER ContentInfo(SignedData) with attached content and checks its one SignerInfo: the
 * signer certificate is carried, contentType and messageDigest attributes match, the signature
 * verifies, and signingCertificate(V2), when present, names the signer. Trust is the caller's job.
 * `fail` picks the verification code the caller reports (TIMESTAMP_INVALID, RECEIPT_INVALID, …).
 */
export async function checkSignedData(der: Uint8Array, fail: 'TIMESTAMP_INVALID' | 'RECEIPT_INVALID' | 'SIGNATURE_INVALID', extraCertificates: pkijs.Certificate[] = []): Promise<CheckedSignedData> {
  ensurePkijsEngine();
  let signedData: pkijs.SignedData;
  try {
    assertDer(der);
    const parsed = asn1js.fromBER(toArrayBuffer(der));
    if (parsed.offset === -1 || parsed.offset !== der.length) throw new Error(parsed.offset === -1 ? parsed.result.error : 'trailing bytes after the ContentInfo');
    const contentInfo = new pkijs.ContentInfo({ schema: parsed.result });
    if (contentInfo.contentType !== OID.signedData) throw new Error(`content type ${contentInfo.contentType} is not SignedData`);
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch (cause) {
    throw new CryptoFormatError('CMS_MALFORMED', `not a CMS SignedData: ${(cause as Error).message ?? cause}`, { cause });
  }
  const eContent = signedData.encapContentInfo.eContent;
  if (!eContent) throw new CryptoFormatError('CMS_MALFORMED', 'SignedData carries no content');
  // RFC 5652 §5.1: version 3 whenever the content is not id-data (and no v4/v5-only certificate types are used here).
  if (signedData.encapContentInfo.eContentType !== OID.data ? signedData.version !== 3 : ![1, 3].includes(signedData.version)) throw new CryptoFormatError('CMS_MALFORMED', `SignedData version ${signedData.version}`);
  const content = new Uint8Array(eContent.getValue());
  const [signerInfo, ...others] = signedData.signerInfos;
  if (!signerInfo || others.length > 0) throw new CryptoFormatError('CMS_UNSUPPORTED', 'expected exactly one signer');
  const sid = signerInfo.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) throw new CryptoFormatError('CMS_UNSUPPORTED', 'signer identified by key id; issuerAndSerialNumber expected');
  const certificates = (signedData.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
  // Byte-exact issuer match: pkijs' isEqual folds case and string types, which would let an edited (unsigned) sid still match.
  const nameBytes = (name: pkijs.RelativeDistinguishedNames) => new Uint8Array(name.toSchema().toBER());
  // Candidates: the certificates carried, then any the caller supplies (tokens requested without certReq carry none).
  const signer = [...certificates, ...extraCertificates].find((c) => equalBytes(nameBytes(c.issuer), nameBytes(sid.issuer)) && c.serialNumber.isEqual(sid.serialNumber));
  if (!signer) throw new CryptoVerifyError(fail, 'the signer certificate is neither carried in the SignedData nor supplied');
  const signerDer = certificateDer(signer);
  const attrs = signerInfo.signedAttrs?.attributes ?? [];
  const signedAttribute = (type: string) => attrs.find((a) => a.type === type);
  if (!signerInfo.signedAttrs) throw new CryptoVerifyError(fail, 'no signed attributes');
  const contentType = signedAttribute(OID.contentType)?.values[0];
  if (!(contentType instanceof asn1js.ObjectIdentifier) || contentType.getValue() !== signedData.encapContentInfo.eContentType) {
    throw new CryptoVerifyError(fail, 'contentType attribute missing or different from the content');
  }
  if (signerInfo.version !== 1) throw new CryptoFormatError('CMS_MALFORMED', `SignerInfo version ${signerInfo.version} (1 for issuerAndSerialNumber)`);
  // The digestAlgorithms set is outside the signature: hold it to what the signer used, with absent or NULL parameters.
  for (const algorithm of [signerInfo.digestAlgorithm, ...signedData.digestAlgorithms]) {
    if (algorithm.algorithmParams !== undefined && !(algorithm.algorithmParams instanceof asn1js.Null)) throw new CryptoFormatError('CMS_MALFORMED', 'digest algorithm parameters must be absent or NULL');
  }
  if (!signedData.digestAlgorithms.some((a) => a.algorithmId === signerInfo.digestAlgorithm.algorithmId)) throw new CryptoFormatError('CMS_MALFORMED', 'digestAlgorithms does not list the signer\'s digest');
  if (signerInfo.digestAlgorithm.algorithmId !== OID.sha256) throw new CryptoFormatError('CMS_UNSUPPORTED', `digest algorithm ${signerInfo.digestAlgorithm.algorithmId} (SHA-256 expected)`);
  const digest = signedAttribute(OID.messageDigest)?.values[0];
  if (!(digest instanceof asn1js.OctetString) || !equalBytes(new Uint8Array(digest.valueBlock.valueHexView), await sha256(content))) {
    throw new CryptoVerifyError(fail, 'messageDigest does not match the content');
  }
  let verified = false;
  try {
    const engine = pkijs.getCrypto(true);
    const algorithm = signerInfo.signatureAlgorithm;
    verified =
      algorithm.algorithmId === OID.rsaEncryption
        ? await engine.verifyWithPublicKey(signerInfo.signedAttrs.encodedValue, signerInfo.signature, signer.subjectPublicKeyInfo, algorithm, 'SHA-256')
        : await engine.verifyWithPublicKey(signerInfo.signedAttrs.encodedValue, signerInfo.signature, signer.subjectPublicKeyInfo, algorithm);
  } catch (cause) {
    throw new CryptoVerifyError(fail, `signature could not be checked: ${(cause as Error).message}`, { cause });
  }
  if (!verified) throw new CryptoVerifyError(fail, 'signature does not verify');
  await checkSigningCertificateV2(signedAttribute(OID.signingCertificateV2), signerDer, fail);
  return { eContentType: signedData.encapContentInfo.eContentType, content, signer, signerDer, certificates, signerInfo, signedAttribute };
}

/** RFC 5035: when present, the first ESSCertIDv2 must hash to the signer's certificate (stops certificate substitution). */
async function checkSigningCertificateV2(attr: pkijs.Attribute | undefined, signerDer: Uint8Array, fail: 'TIMESTAMP_INVALID' | 'RECEIPT_INVALID' | 'SIGNATURE_INVALID'): Promise<void> {
  if (!attr) return;
  try {
    const certs = (attr.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    let items = first.valueBlock.value;
    let hashName = 'SHA-256';
    if (items[0] instanceof asn1js.Sequence) {
      const alg = new pkijs.AlgorithmIdentifier({ schema: items[0] });
      if (alg.algorithmId === '2.16.840.1.101.3.4.2.3') hashName = 'SHA-512';
      else if (alg.algorithmId === '2.16.840.1.101.3.4.2.2') hashName = 'SHA-384';
      else if (alg.algorithmId !== OID.sha256) throw new Error(`hash ${alg.algorithmId}`);
      items = items.slice(1);
    }
    const certHash = new Uint8Array((items[0] as asn1js.OctetString).valueBlock.valueHexView);
    const actual = new Uint8Array(await globalThis.crypto.subtle.digest(hashName, signerDer));
    if (!equalBytes(certHash, actual)) throw new CryptoVerifyError(fail, 'signingCertificateV2 does not name the signer certificate');
  } catch (error) {
    if (error instanceof CryptoVerifyError) throw error;
    throw new CryptoVerifyError(fail, `signingCertificateV2 attribute malformed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Throws CMS_MALFORMED unless `der` is one definite-length TLV whose constructed parts nest exactly
 * and whose lengths are minimal. asn1js is lenient about inner lengths; this closes that gap so a
 * flipped length byte is refused instead of silently re-read.
 */
export function assertDer(der: Uint8Array): void {
  const end = walkTlv(der, 0, der.length, 0);
  if (end !== der.length) throw new CryptoFormatError('CMS_MALFORMED', 'trailing bytes after the DER object');
}

function walkTlv(buf: Uint8Array, offset: number, limit: number, depth: number): number {
  const bad = (why: string) => new CryptoFormatError('CMS_MALFORMED', `not DER at byte ${offset}: ${why}`);
  if (depth > 64) throw bad('nested too deeply');
  if (offset + 2 > limit) throw bad('truncated');
  const tag = buf[offset]!;
  let pos = offset + 1;
  if ((tag & 0x1f) === 0x1f) {
    // high tag number form
    let count = 0;
    while (pos < limit && buf[pos]! & 0x80) {
      pos++;
      if (++count > 4) throw bad('tag too long');
    }
    pos++;
  }
  if (pos >= limit) throw bad('truncated');
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) length = first;
  else {
    const n = first & 0x7f;
    if (n === 0) throw bad('indefinite length');
    if (n > 4 || pos + n > limit) throw bad('length too long');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
    if (length < 0x80 || (n > 1 && buf[pos - n] === 0)) throw bad('length not minimal');
  }
  const end = pos + length;
  if (end > limit) throw bad('length runs past its container');
  if (tag & 0x20) {
    let child = pos;
    while (child < end) child = walkTlv(buf, child, end, depth + 1);
    if (child !== end) throw bad('children do not fill the container');
  }
  return end;
}
