/**
 * X.509 certificates and CRLs as Tenderhall accepts them (RFC 5280): parsing, the facts other
 * modules need (serial, fingerprint, the 统一社会信用代码 in the subject, the Tenderhall role), and
 * `checkCertificate`, the one check run everywhere a certificate is accepted: chain to a configured
 * trust anchor, signatures, validity times, revocation (CRLs), key usage.
 *
 * Isomorphic: node-forge for ASN.1/X.509 and RSA signature checks, no node:* imports.
 */
import forge from 'node-forge';
import { CertificateError, CryptoFormatError, CryptoVerifyError } from './errors.js';
import { OID } from './oids.js';
import { binaryToBytes, bytesToBinary } from './der.js';

type ForgeCert = forge.pki.Certificate;

/** What a certificate may be used for here. */
export type CertificateUsage = 'signature' | 'encryption' | 'timestamp';

/** RFC 5280 §5.3.1 CRLReason, by name (the numeric code is the index in this table, 7 unused). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;
export const REVOCATION_REASON_NAMES = Object.keys(REVOCATION_REASONS) as RevocationReason[];

export interface SubjectFacts {
  commonName: string | null;
  organization: string | null;
  /** organizationIdentifier (2.5.4.97): the 统一社会信用代码 for organisations. */
  uscc: string | null;
  /** The whole DN, RFC 4514-ish, most significant first (for display and logs). */
  dn: string;
}

export interface CertificateInfo {
  /** Lower-case hex without leading zeros beyond what DER carries (as stored in the database). */
  serial: string;
  /** SHA-256 of the DER, lower-case hex. */
  fingerprint: string;
  subject: SubjectFacts;
  issuer: SubjectFacts;
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  /** Tenderhall role extension (1.3.6.1.4.1.61443.1.1), null for certificates from other CAs. */
  role: string | null;
  /** The certificate again, as PEM. */
  pem: string;
}

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlInfo {
  issuer: SubjectFacts;
  crlNumber: string | null;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: RevokedEntry[];
}

export interface CheckOptions {
  /** Roots (or any certificate) trusted as they are: the platform root and configured external roots. */
  trustAnchorsPem: string[];
  /** Intermediate CA certificates the chain may pass through (e.g. the platform issuing CA). */
  intermediatesPem?: string[];
  /** CRLs (DER); a CRL counts only for the issuer that signed it. */
  crlsDer?: Uint8Array[];
  at: Date;
  usage: CertificateUsage;
}

export interface CheckedCertificate extends CertificateInfo {
  /** Leaf first, the trust anchor last. */
  chain: CertificateInfo[];
}

const MAX_CHAIN = 6;
const ROLE_OID = OID.tenderhallRole;

// ── node-forge typing gaps (its .d.ts lacks these options and functions) ────────────────────────

type FromDerOptions = { strict?: boolean; parseAllBytes?: boolean; decodeBitStrings?: boolean };
/** forge's asn1.fromDer with its options object (the published types only allow a boolean). */
export function fromDer(binary: string, options: FromDerOptions = {}): forge.asn1.Asn1 {
  return (forge.asn1.fromDer as unknown as (bytes: string, options: FromDerOptions) => forge.asn1.Asn1)(binary, options);
}
const rdnAttributesAsArray = (node: forge.asn1.Asn1): forge.pki.CertificateField[] =>
  (forge.pki as unknown as { RDNAttributesAsArray(node: forge.asn1.Asn1): forge.pki.CertificateField[] }).RDNAttributesAsArray(node);

/** A DN attribute with an explicit string type (UTF8String for names, PrintableString for C). */
export function nameField(type: string, value: string, tag: number = forge.asn1.Type.UTF8): forge.pki.CertificateField {
  return { type, value, valueTagClass: tag } as unknown as forge.pki.CertificateField;
}

// ── bytes and PEM ──────────────────────────────────────────────────────────────────────────────

// node-forge speaks binary strings; the one converter lives in der.ts.
export { bytesToBinary, binaryToBytes } from './der.js';

/** Every PEM block with the given label in a text (a bundle), in order. */
export function pemBlocks(text: string, label = 'CERTIFICATE'): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return (text.match(re) ?? []).map((block) => `${block}\n`);
}

function pemBody(pem: string, label: string): string {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new CryptoFormatError('PEM_MALFORMED', `no ${label} PEM block`);
  const base64 = match[1]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw new CryptoFormatError('PEM_MALFORMED', `${label} PEM body is not base64`);
  }
  return atob(base64);
}

/** DER bytes of the first `label` block of a PEM text (PEM_MALFORMED if there is none or it is not base64). */
export function pemToDer(pem: string, label = 'CERTIFICATE'): Uint8Array {
  return binaryToBytes(pemBody(pem, label));
}

// ── parsing ────────────────────────────────────────────────────────────────────────────────────

function certFromBinaryDer(binary: string): ForgeCert {
  let asn1: forge.asn1.Asn1;
  let cert: ForgeCert;
  try {
    asn1 = fromDer(binary, { strict: true, parseAllBytes: true });
    cert = forge.pki.certificateFromAsn1(asn1);
  } catch (error) {
    throw new CryptoFormatError('CERT_MALFORMED', `not an X.509 RSA certificate: ${(error as Error).message}`, { cause: error });
  }
  assertSameSignatureAlgorithm(asn1);
  return cert;
}

/**
 * RFC 5280 §4.1.1.2: the outer signatureAlgorithm MUST equal the signature field inside
 * tbsCertificate. The outer one is not covered by the signature, so without this check its bytes
 * (e.g. the NULL parameters) could be changed and the certificate would still verify.
 */
function assertSameSignatureAlgorithm(asn1: forge.asn1.Asn1): void {
  const top = asn1.value as forge.asn1.Asn1[];
  const tbs = top[0]?.value as forge.asn1.Asn1[] | undefined;
  // tbsCertificate: [0] version (optional), serialNumber, signature, …
  const inner = tbs?.[tbs[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 2 : 1];
  const outer = top[1];
  if (!inner || !outer || forge.asn1.toDer(inner).getBytes() !== forge.asn1.toDer(outer).getBytes()) {
    throw new CryptoFormatError('CERT_MALFORMED', 'signatureAlgorithm differs from the signature field of tbsCertificate (RFC 5280 §4.1.1.2)');
  }
}

/** A certificate from PEM text or DER bytes; CERT_MALFORMED / PEM_MALFORMED otherwise. */
export function parseCertificate(input: string | Uint8Array): ForgeCert {
  return certFromBinaryDer(typeof input === 'string' ? pemBody(input, 'CERTIFICATE') : bytesToBinary(input));
}

export function certificateDer(cert: ForgeCert): Uint8Array {
  return binaryToBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

function sha256HexOfBinary(binary: string): string {
  const md = forge.md.sha256.create();
  md.update(binary);
  return md.digest().toHex();
}

/**
 * The text of a DN attribute. forge keeps parsed values as raw octets: UTF8String (Chinese names)
 * must be decoded here, BMPString is UCS-2 big-endian; Printable/IA5 are ASCII already.
 */
export function attributeValue(attr: { value?: unknown; valueTagClass?: number }): string {
  const raw = Array.isArray(attr.value) ? attr.value.join(',') : String(attr.value ?? '');
  try {
    if (attr.valueTagClass === (forge.asn1.Type.UTF8 as number)) return forge.util.decodeUtf8(raw);
    if (attr.valueTagClass === (forge.asn1.Type.BMPSTRING as number)) {
      let out = '';
      for (let i = 0; i + 1 < raw.length; i += 2) out += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
      return out;
    }
  } catch {
    throw new CryptoFormatError('CERT_MALFORMED', 'a name attribute is not valid UTF-8');
  }
  return raw;
}

export function subjectFacts(name: forge.pki.Certificate['subject']): SubjectFacts {
  const find = (oid: string) => {
    const attr = name.attributes.find((a) => a.type === oid);
    return attr ? attributeValue(attr as { value?: unknown; valueTagClass?: number }) : null;
  };
  const dn = [...name.attributes]
    .reverse()
    .map((a) => `${a.shortName ?? (a.type === OID.organizationIdentifier ? 'organizationIdentifier' : a.type)}=${attributeValue(a as { value?: unknown; valueTagClass?: number })}`)
    .join(', ');
  return { commonName: find(OID.commonName), organization: find(OID.organizationName), uscc: find(OID.organizationIdentifier), dn };
}

/** Serial as lower-case hex, leading zero octets dropped (stable for lookups whatever the encoder did). */
export function normaliseSerial(hex: string): string {
  const clean = hex.toLowerCase().replace(/^(00)+(?=..)/, '');
  return clean;
}

function roleOf(cert: ForgeCert): string | null {
  const ext = cert.extensions.find((e: { id?: string }) => e.id === ROLE_OID) as { value?: string } | undefined;
  if (!ext?.value) return null;
  try {
    const node = forge.asn1.fromDer(ext.value);
    return forge.util.decodeUtf8(String(node.value));
  } catch {
    return null;
  }
}

function isCaCert(cert: ForgeCert): boolean {
  const bc = cert.getExtension('basicConstraints') as { cA?: boolean } | null;
  return bc?.cA === true;
}

export function describeForgeCertificate(cert: ForgeCert): CertificateInfo {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return {
    serial: normaliseSerial(cert.serialNumber),
    fingerprint: sha256HexOfBinary(der),
    subject: subjectFacts(cert.subject),
    issuer: subjectFacts(cert.issuer),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    isCa: isCaCert(cert),
    role: roleOf(cert),
    pem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'),
  };
}

/** Facts about one certificate (PEM or DER), without any trust decision. */
export function describeCertificate(input: string | Uint8Array): CertificateInfo {
  return describeForgeCertificate(parseCertificate(input));
}

export const certificateFingerprint = (input: string | Uint8Array): string => describeCertificate(input).fingerprint;
export const certificateSerial = (input: string | Uint8Array): string => describeCertificate(input).serial;
export const certificateUscc = (input: string | Uint8Array): string | null => describeCertificate(input).subject.uscc;
export const certificateRole = (input: string | Uint8Array): string | null => describeCertificate(input).role;

// ── CRLs ───────────────────────────────────────────────────────────────────────────────────────

const asn1 = forge.asn1;

function asn1Time(node: forge.asn1.Asn1): Date {
  if (node.type === asn1.Type.UTCTIME) return asn1.utcTimeToDate(String(node.value));
  if (node.type === asn1.Type.GENERALIZEDTIME) return asn1.generalizedTimeToDate(String(node.value));
  throw new CryptoFormatError('CRL_MALFORMED', 'expected a Time');
}

function children(node: forge.asn1.Asn1 | undefined, what: string): forge.asn1.Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new CryptoFormatError('CRL_MALFORMED', `${what}: expected a constructed value`);
  return node.value as forge.asn1.Asn1[];
}

interface ParsedCrl extends CrlInfo {
  tbsDer: string;
  signatureOid: string;
  signature: string;
  issuerHash: string;
}

function parseCrlInternal(der: Uint8Array): ParsedCrl {
  let root: forge.asn1.Asn1;
  try {
    root = fromDer(bytesToBinary(der), { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch (error) {
    throw new CryptoFormatError('CRL_MALFORMED', `not DER: ${(error as Error).message}`, { cause: error });
  }
  try {
    const [tbs, sigAlg, sigValue] = children(root, 'CertificateList');
    const fields = children(tbs, 'TBSCertList');
    let i = 0;
    if (fields[i]?.type === asn1.Type.INTEGER) i++; // version v2
    const tbsSigAlg = children(fields[i++], 'signature');
    const issuerNode = fields[i++]!;
    // The same name hash forge keeps as cert.subject.hash, so a CRL is matched to its issuer.
    const hashMd = forge.md.sha1.create();
    hashMd.update(asn1.toDer(issuerNode).getBytes());
    const issuerHash = hashMd.digest().toHex();
    const issuerAttrs = rdnAttributesAsArray(issuerNode);
    const thisUpdate = asn1Time(fields[i++]!);
    let nextUpdate: Date | null = null;
    if (fields[i] && (fields[i]!.type === asn1.Type.UTCTIME || fields[i]!.type === asn1.Type.GENERALIZEDTIME) && fields[i]!.tagClass === asn1.Class.UNIVERSAL) {
      nextUpdate = asn1Time(fields[i++]!);
    }
    const revoked: RevokedEntry[] = [];
    if (fields[i] && fields[i]!.tagClass === asn1.Class.UNIVERSAL && fields[i]!.type === asn1.Type.SEQUENCE) {
      for (const entry of children(fields[i++], 'revokedCertificates')) {
        const [serialNode, dateNode, extsNode] = children(entry, 'revoked entry');
        let reason: RevocationReason = 'unspecified';
        if (extsNode) {
          for (const ext of children(extsNode, 'crlEntryExtensions')) {
            const parts = children(ext, 'Extension');
            if (asn1.derToOid(String(parts[0]!.value)) === OID.crlReason) {
              const enumerated = asn1.fromDer(String(parts[parts.length - 1]!.value));
              const code = String(enumerated.value).charCodeAt(0);
              reason = REVOCATION_REASON_NAMES.find((n) => REVOCATION_REASONS[n] === code) ?? 'unspecified';
            }
          }
        }
        revoked.push({ serial: normaliseSerial(forge.util.bytesToHex(String(serialNode!.value))), revokedAt: asn1Time(dateNode!), reason });
      }
    }
    let crlNumber: string | null = null;
    const extsWrapper = fields[i];
    if (extsWrapper && extsWrapper.tagClass === asn1.Class.CONTEXT_SPECIFIC && extsWrapper.type === 0) {
      for (const ext of children(children(extsWrapper, 'crlExtensions')[0], 'Extensions')) {
        const parts = children(ext, 'Extension');
        if (asn1.derToOid(String(parts[0]!.value)) === OID.crlNumber) {
          crlNumber = BigInt(`0x${forge.util.bytesToHex(String(asn1.fromDer(String(parts[parts.length - 1]!.value)).value)) || '0'}`).toString();
        }
      }
    }
    const signatureOid = asn1.derToOid(String(children(sigAlg, 'signatureAlgorithm')[0]!.value));
    if (asn1.derToOid(String(tbsSigAlg[0]!.value)) !== signatureOid) throw new CryptoFormatError('CRL_MALFORMED', 'signature algorithms disagree');
    let signature = String(sigValue!.value);
    if (sigValue!.type !== asn1.Type.BITSTRING) throw new CryptoFormatError('CRL_MALFORMED', 'signatureValue is not a BIT STRING');
    signature = signature.slice(1); // unused-bits octet
    return {
      issuer: subjectFacts({ attributes: issuerAttrs } as unknown as ForgeCert['subject']),
      issuerHash,
      crlNumber,
      thisUpdate,
      nextUpdate,
      revoked,
      tbsDer: asn1.toDer(tbs!).getBytes(),
      signatureOid,
      signature,
    };
  } catch (error) {
    if (error instanceof CryptoFormatError) throw error;
    throw new CryptoFormatError('CRL_MALFORMED', `not an X.509 CRL: ${(error as Error).message}`, { cause: error });
  }
}

/** The contents of a CRL (DER), without checking its signature. */
export function parseCrl(der: Uint8Array): CrlInfo {
  const { tbsDer: _t, signatureOid: _o, signature: _s, issuerHash: _h, ...info } = parseCrlInternal(der);
  return info;
}

function verifyRsaSha256(publicKey: forge.pki.PublicKey, tbsBinary: string, signatureOid: string, signature: string): boolean {
  if (signatureOid !== OID.sha256WithRSAEncryption) return false;
  const md = forge.md.sha256.create();
  md.update(tbsBinary);
  try {
    return (publicKey as forge.pki.rsa.PublicKey).verify(md.digest().getBytes(), signature);
  } catch {
    return false;
  }
}

/** Checks that `issuerPem` signed the CRL (CRL_INVALID otherwise) and answers its contents. */
export function verifyCrl(der: Uint8Array, issuerPem: string): CrlInfo {
  const crl = parseCrlInternal(der);
  const issuer = parseCertificate(issuerPem);
  if (crl.issuerHash !== issuer.subject.hash || !verifyRsaSha256(issuer.publicKey, crl.tbsDer, crl.signatureOid, crl.signature)) {
    throw new CryptoVerifyError('CRL_INVALID', 'CRL is not signed by this issuer');
  }
  return parseCrl(der);
}

// ── the check ──────────────────────────────────────────────────────────────────────────────────

function parseAll(pems: string[] | undefined): ForgeCert[] {
  return (pems ?? []).flatMap((text) => {
    const blocks = pemBlocks(text);
    if (blocks.length === 0) throw new CryptoFormatError('PEM_MALFORMED', 'no CERTIFICATE block in a trust anchor or intermediate');
    return blocks.map((b) => parseCertificate(b));
  });
}

function signedBy(child: ForgeCert, issuer: ForgeCert): boolean {
  if (child.issuer.hash !== issuer.subject.hash) return false;
  try {
    return issuer.verify(child);
  } catch {
    return false;
  }
}

function keyUsageAllows(cert: ForgeCert, usage: CertificateUsage): boolean {
  const ku = cert.getExtension('keyUsage') as Record<string, boolean> | null;
  const eku = cert.getExtension('extKeyUsage') as (Record<string, boolean> & { critical?: boolean }) | null;
  if (usage === 'timestamp') {
    // RFC 3161 §2.3: a TSA certificate carries exactly one, critical, extKeyUsage: timeStamping.
    return Boolean(eku?.timeStamping) && (!ku || ku.digitalSignature === true || ku.nonRepudiation === true);
  }
  if (!ku) return true; // no keyUsage extension: any use (RFC 5280 §4.2.1.3)
  return usage === 'signature' ? ku.digitalSignature === true || ku.nonRepudiation === true : ku.keyEncipherment === true;
}

function checkTimes(cert: ForgeCert, at: Date, what: string): void {
  if (at.getTime() < cert.validity.notBefore.getTime()) {
    throw new CertificateError('CERT_NOT_YET_VALID', `${what} is valid from ${cert.validity.notBefore.toISOString()}`);
  }
  if (at.getTime() > cert.validity.notAfter.getTime()) {
    throw new CertificateError('CERT_EXPIRED', `${what} expired at ${cert.validity.notAfter.toISOString()}`);
  }
}

function sameCert(a: ForgeCert, b: ForgeCert): boolean {
  return a.serialNumber === b.serialNumber && a.issuer.hash === b.issuer.hash && a.subject.hash === b.subject.hash && a.signature === b.signature;
}

/**
 * Builds the chain from `certPem` to one of `trustAnchorsPem` through `intermediatesPem`, checking
 * every signature, validity times at `at`, CA flags, revocation against the CRLs each issuer
 * signed, and the leaf's key usage. Throws CertificateError (CERT_UNTRUSTED, CERT_EXPIRED,
 * CERT_NOT_YET_VALID, CERT_REVOKED, CERT_WRONG_USAGE) or CryptoFormatError for malformed input.
 */
export async function checkCertificate(certPem: string | Uint8Array, options: CheckOptions): Promise<CheckedCertificate> {
  const leaf = parseCertificate(certPem);
  const anchors = parseAll(options.trustAnchorsPem);
  const intermediates = parseAll(options.intermediatesPem);
  const crls = (options.crlsDer ?? []).map((der) => parseCrlInternal(der));

  const chain: ForgeCert[] = [leaf];
  for (let current = leaf; ; ) {
    const anchor = anchors.find((a) => sameCert(a, current)) ?? anchors.find((a) => signedBy(current, a));
    if (anchor) {
      if (!sameCert(anchor, current)) chain.push(anchor);
      break;
    }
    if (chain.length >= MAX_CHAIN) throw new CertificateError('CERT_UNTRUSTED', 'certificate chain too long');
    const next = intermediates.find((c) => !chain.some((seen) => sameCert(seen, c)) && isCaCert(c) && signedBy(current, c));
    if (!next) throw new CertificateError('CERT_UNTRUSTED', `no trusted issuer for "${subjectFacts(current.issuer).dn}"`);
    chain.push(next);
    current = next;
  }

  chain.forEach((cert, index) => {
    const what = index === 0 ? 'certificate' : `issuer "${subjectFacts(cert.subject).dn}"`;
    checkTimes(cert, options.at, what);
    if (index === 0) return;
    // RFC 5280 §6.1.4: every issuer is a CA allowed to sign certificates, within its path length.
    if (!isCaCert(cert)) throw new CertificateError('CERT_UNTRUSTED', `${what} is not a CA`);
    const ku = cert.getExtension('keyUsage') as { keyCertSign?: boolean } | null;
    if (ku && !ku.keyCertSign) throw new CertificateError('CERT_UNTRUSTED', `${what} may not sign certificates`);
    const bc = cert.getExtension('basicConstraints') as { pathLenConstraint?: number } | null;
    if (typeof bc?.pathLenConstraint === 'number' && index - 1 > bc.pathLenConstraint) {
      throw new CertificateError('CERT_UNTRUSTED', `${what} allows ${bc.pathLenConstraint} intermediate CA(s) below it`);
    }
  });

  // Revocation: each certificate below the anchor, against every CRL its issuer signed.
  for (let index = 0; index < chain.length - 1; index++) {
    const cert = chain[index]!;
    const issuer = chain[index + 1]!;
    const serial = normaliseSerial(cert.serialNumber);
    for (const crl of crls) {
      if (crl.issuerHash !== issuer.subject.hash) continue;
      if (!verifyRsaSha256(issuer.publicKey, crl.tbsDer, crl.signatureOid, crl.signature)) {
        throw new CryptoVerifyError('CRL_INVALID', `a CRL naming "${crl.issuer.dn}" is not signed by that issuer`);
      }
      const entry = crl.revoked.find((r) => r.serial === serial && r.revokedAt.getTime() <= options.at.getTime());
      if (entry) {
        throw new CertificateError('CERT_REVOKED', `certificate ${serial} revoked at ${entry.revokedAt.toISOString()} (${entry.reason})`);
      }
    }
  }

  if (!keyUsageAllows(leaf, options.usage)) {
    throw new CertificateError('CERT_WRONG_USAGE', `certificate may not be used for ${options.usage}`);
  }
  const described = chain.map(describeForgeCertificate);
  return { ...described[0]!, chain: described };
}
