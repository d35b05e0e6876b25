/**
 * The platform CA (平台数字证书认证): a root, an issuing CA under it (pathLen 0), end-entity
 * certificates issued from a PKCS#10 CSR whose key pair the holder made (the platform never sees a
 * holder's private key), and X.509 v2 CRLs signed by the issuing CA (RFC 5280 §5).
 *
 * Isomorphic: node-forge builds and signs the X.509 structures, WebCrypto makes CA key pairs.
 * RSA-2048 / SHA-256 throughout.
 */
import forge from 'node-forge';
import {
  attributeValue,
  binaryToBytes,
  fromDer,
  nameField,
  normaliseSerial,
  parseCertificate,
  REVOCATION_REASONS,
  subjectFacts,
  type RevocationReason,
  type SubjectFacts,
} from './certificates.js';
import { CertificateError, CryptoFormatError } from './errors.js';
import { generateRsaKeyPairPem } from './keys.js';
import { OID } from './oids.js';

const { asn1, pki } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** Certificate profiles: who the certificate is for decides its subject rules and key usages. */
export const CERTIFICATE_PROFILES = ['bidder', 'expert', 'official', 'staff', 'opening', 'platform', 'tsa', 'region'] as const;
export type CertificateProfile = (typeof CERTIFICATE_PROFILES)[number];

/** Holders sign bids (digitalSignature, nonRepudiation) and receive the bidder copy of the envelope (keyEncipherment). */
const HOLDER_PROFILES: ReadonlySet<CertificateProfile> = new Set(['bidder', 'expert', 'official', 'staff']);

export const DEFAULT_VALIDITY_DAYS: Record<CertificateProfile, number> = {
  bidder: 730,
  expert: 730,
  official: 730,
  staff: 730,
  opening: 365,
  platform: 1825,
  tsa: 1825,
  region: 1825,
};
const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;
const DAY_MS = 86_400_000;

/** A CA certificate with its private key, both PEM (PKCS#8 for the key). */
export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

export interface PlatformCa {
  root: CaMaterial;
  issuing: CaMaterial;
}

export interface IssuedCertificate {
  certPem: string;
  /** Lower-case hex, as certificates.ts normalises serials. */
  serial: string;
  subject: SubjectFacts;
  notBefore: Date;
  notAfter: Date;
  profile: CertificateProfile;
}

/** What the caller knows the subject must be (the requesting user and organisation). */
export interface ExpectedSubject {
  /** The organisation's 统一社会信用代码; when set, organizationIdentifier must carry it; when `null`, it must be absent. */
  uscc?: string | null;
  /** The organisation's registered name; when set, O must equal it; when `null`, O must be absent. */
  organisationName?: string | null;
  /** CN must be one of these (e.g. the user's display name or username, or the organisation's name). */
  commonNames?: string[];
}

export interface IssueOptions {
  profile: CertificateProfile;
  now: Date;
  days?: number;
  expect?: ExpectedSubject;
}

export interface RevokedCertificate {
  serial: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface CrlOptions {
  revoked: RevokedCertificate[];
  /** Monotonically increasing CRL number (RFC 5280 §5.2.3). */
  crlNumber: bigint | number;
  thisUpdate: Date;
  nextUpdate: Date;
}

// ── helpers ────────────────────────────────────────────────────────────────────────────────────

/** Random positive 16-octet serial (RFC 5280 §4.1.2.2: ≤ 20 octets, unpredictable; CA/B BR ≥ 64 bits of entropy). */
export function randomSerialHex(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40; // positive, and no leading zero octet: minimal DER INTEGER
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function privateKeyFromPem(pem: string): forge.pki.rsa.PrivateKey {
  try {
    return pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', `not an RSA private key: ${(error as Error).message}`, { cause: error });
  }
}

/** forge re-encodes UTF8String values on output, so parsed (raw-octet) names are decoded first. */
function decodedAttributes(name: forge.pki.Certificate['subject']): forge.pki.CertificateField[] {
  return name.attributes.map((a) =>
    nameField(a.type!, attributeValue(a as { value?: unknown; valueTagClass?: number }), (a.valueTagClass as number) === T.PRINTABLESTRING ? T.PRINTABLESTRING : T.UTF8),
  );
}

const utf8 = (type: string, value: string) => nameField(type, value, T.UTF8);

function caName(commonName: string, organisation: string): forge.pki.CertificateField[] {
  return [nameField('2.5.4.6', 'CN', T.PRINTABLESTRING), utf8(OID.organizationName, organisation), utf8(OID.commonName, commonName)];
}

function keyIdentifier(publicKey: forge.pki.PublicKey): string {
  // The same SHA-1 over RSAPublicKey that forge uses for subjectKeyIdentifier (RFC 5280 §4.2.1.2 method 1).
  return pki.getPublicKeyFingerprint(publicKey, { type: 'RSAPublicKey', md: forge.md.sha1.create(), encoding: 'binary' }) as unknown as string;
}

function roleExtension(role: string) {
  return { id: OID.tenderhallRole, critical: false, value: asn1.toDer(asn1.create(U, T.UTF8, false, forge.util.encodeUtf8(role))).getBytes() };
}

function validity(cert: forge.pki.Certificate, from: Date, days: number): void {
  // Whole seconds: X.509 times carry no fractions, so notBefore never lies after `from`.
  const start = new Date(Math.floor(from.getTime() / 1000) * 1000);
  cert.validity.notBefore = start;
  cert.validity.notAfter = new Date(start.getTime() + days * DAY_MS);
}

function signCertificate(cert: forge.pki.Certificate, key: forge.pki.rsa.PrivateKey): string {
  cert.sign(key, forge.md.sha256.create());
  return pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

// ── CA creation ────────────────────────────────────────────────────────────────────────────────

/** A fresh root CA and an issuing CA signed by it (pathLenConstraint 0: it issues end-entity certificates only). */
export async function createPlatformCa(options: { now: Date; organisation?: string; name?: string }): Promise<PlatformCa> {
  const organisation = options.organisation ?? 'Tenderhall 公共资源交易平台';
  const name = options.name ?? 'Tenderhall';
  const [rootKeys, issuingKeys] = await Promise.all([generateRsaKeyPairPem(), generateRsaKeyPairPem()]);

  const rootKey = privateKeyFromPem(rootKeys.privateKeyPem);
  const root = pki.createCertificate();
  root.publicKey = pki.publicKeyFromPem(rootKeys.publicKeyPem);
  root.serialNumber = randomSerialHex();
  validity(root, options.now, ROOT_YEARS * 365);
  root.setSubject(caName(`${name} Root CA`, organisation));
  root.setIssuer(caName(`${name} Root CA`, organisation));
  root.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const rootPem = signCertificate(root, rootKey);

  const issuing = pki.createCertificate();
  issuing.publicKey = pki.publicKeyFromPem(issuingKeys.publicKeyPem);
  issuing.serialNumber = randomSerialHex();
  validity(issuing, options.now, ISSUING_YEARS * 365);
  issuing.setSubject(caName(`${name} Issuing CA`, organisation));
  issuing.setIssuer(decodedAttributes(parseCertificate(rootPem).subject));
  issuing.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(root.publicKey) },
  ]);
  const issuingPem = signCertificate(issuing, rootKey);

  return {
    root: { certPem: rootPem, keyPem: rootKeys.privateKeyPem },
    issuing: { certPem: issuingPem, keyPem: issuingKeys.privateKeyPem },
  };
}

// ── CSRs ───────────────────────────────────────────────────────────────────────────────────────

export interface ParsedCsr {
  subject: SubjectFacts;
  /** The subject attributes, decoded, in CSR order. */
  attributes: { type: string; value: string }[];
  publicKeyPem: string;
}

function loadCsr(csrPem: string): forge.pki.CertificateSigningRequest {
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csrPem)) throw new CryptoFormatError('CSR_INVALID', 'no CERTIFICATE REQUEST PEM block');
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(csrPem, false, true);
  } catch (error) {
    throw new CryptoFormatError('CSR_INVALID', `not a PKCS#10 RSA certificate request: ${(error as Error).message}`, { cause: error });
  }
  let valid = false;
  try {
    valid = csr.verify();
  } catch {
    valid = false;
  }
  // Proof of possession: the CSR is signed by the private key matching the public key it carries.
  if (!valid) throw new CryptoFormatError('CSR_INVALID', 'the certificate request signature does not verify');
  const key = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!key || key.n.bitLength() < 2048) throw new CryptoFormatError('CSR_INVALID', 'RSA keys must be at least 2048 bits');
  return csr;
}

/** Parses a PKCS#10 CSR and checks its own signature (CSR_INVALID otherwise). */
export function parseCsr(csrPem: string): ParsedCsr {
  const csr = loadCsr(csrPem);
  return {
    subject: subjectFacts(csr.subject as unknown as forge.pki.Certificate['subject']),
    attributes: csr.subject.attributes.map((a) => ({ type: a.type!, value: attributeValue(a as { value?: unknown; valueTagClass?: number }) })),
    publicKeyPem: pki.publicKeyToPem(csr.publicKey!).replace(/\r\n/g, '\n'),
  };
}

/** Subject attributes a holder may put in a CSR; anything else is refused rather than silently dropped. */
const ALLOWED_SUBJECT = new Set(['2.5.4.6', OID.organizationName, '2.5.4.11', OID.organizationIdentifier, OID.commonName, '2.5.4.8', '2.5.4.7', '2.5.4.5']);

function checkSubject(csr: ParsedCsr, profile: CertificateProfile, expect: ExpectedSubject | undefined): void {
  const mismatch = (why: string) => new CertificateError('CERT_SUBJECT_MISMATCH', why);
  for (const attr of csr.attributes) {
    if (!ALLOWED_SUBJECT.has(attr.type)) throw mismatch(`subject attribute ${attr.type} is not allowed`);
    if (csr.attributes.filter((a) => a.type === attr.type).length > 1) throw mismatch(`subject attribute ${attr.type} appears twice`);
  }
  const { commonName, organization, uscc } = csr.subject;
  if (!commonName?.trim()) throw mismatch('the subject has no CN');
  if (profile === 'bidder' && (!uscc || !organization)) throw mismatch('an organisation certificate needs O and organizationIdentifier (统一社会信用代码)');
  const serialNumber = csr.attributes.find((a) => a.type === '2.5.4.5')?.value;
  if (profile === 'region' && !/^[0-9]{6}$/.test(serialNumber ?? '')) throw mismatch('a region certificate needs serialNumber = the 6-digit region code');
  if (profile !== 'region' && serialNumber !== undefined) throw mismatch('serialNumber is only for region certificates');
  if (!expect) return;
  if (expect.uscc !== undefined && (uscc ?? null) !== expect.uscc && uscc !== `NTRCN-${expect.uscc}`) {
    throw mismatch(expect.uscc ? `organizationIdentifier must be ${expect.uscc}` : 'organizationIdentifier is not allowed for this holder');
  }
  if (expect.organisationName !== undefined && (organization ?? null) !== expect.organisationName) {
    throw mismatch(expect.organisationName ? `O must be ${expect.organisationName}` : 'O is not allowed for this holder');
  }
  if (expect.commonNames && !expect.commonNames.includes(commonName)) {
    throw mismatch(`CN must be one of: ${expect.commonNames.join(', ')}`);
  }
}

function profileExtensions(profile: CertificateProfile): Record<string, unknown>[] {
  if (HOLDER_PROFILES.has(profile)) {
    return [
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true, emailProtection: true },
    ];
  }
  if (profile === 'opening') return [{ name: 'keyUsage', keyEncipherment: true, critical: true }];
  if (profile === 'tsa') {
    return [
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      // RFC 3161 §2.3: exactly one extended key usage, timeStamping, marked critical.
      { name: 'extKeyUsage', timeStamping: true, critical: true },
    ];
  }
  return [{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true }];
}

/**
 * Issues an end-entity certificate from a CSR: verifies the CSR's signature (CSR_INVALID), checks
 * its subject against `expect` (CERT_SUBJECT_MISMATCH), and signs with the issuing CA.
 */
export function issueCertificate(issuingCa: CaMaterial, csrPem: string, options: IssueOptions): IssuedCertificate {
  if (!CERTIFICATE_PROFILES.includes(options.profile)) throw new Error(`unknown certificate profile ${String(options.profile)}`);
  const days = options.days ?? DEFAULT_VALIDITY_DAYS[options.profile];
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('validity must be 1..3650 days');
  const parsed = parseCsr(csrPem);
  checkSubject(parsed, options.profile, options.expect);

  const issuer = parseCertificate(issuingCa.certPem);
  const key = privateKeyFromPem(issuingCa.keyPem);
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(parsed.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  validity(cert, options.now, days);
  if (cert.validity.notAfter.getTime() > issuer.validity.notAfter.getTime()) cert.validity.notAfter = issuer.validity.notAfter;
  cert.setSubject(
    parsed.attributes.map((a) =>
      a.type === '2.5.4.6' || a.type === '2.5.4.5' ? nameField(a.type, a.value, T.PRINTABLESTRING) : utf8(a.type, a.value),
    ),
  );
  cert.setIssuer(decodedAttributes(issuer.subject));
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    ...profileExtensions(options.profile),
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: keyIdentifier(issuer.publicKey) },
    roleExtension(options.profile),
  ]);
  const certPem = signCertificate(cert, key);
  return {
    certPem,
    serial: normaliseSerial(cert.serialNumber),
    subject: parsed.subject,
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    profile: options.profile,
  };
}

// ── CRLs ───────────────────────────────────────────────────────────────────────────────────────

function time(date: Date): forge.asn1.Asn1 {
  // RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? asn1.create(U, T.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(U, T.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function integerFromHex(hex: string): forge.asn1.Asn1 {
  let clean = normaliseSerial(hex);
  if (clean.length % 2) clean = `0${clean}`;
  if (parseInt(clean.slice(0, 2), 16) >= 0x80) clean = `00${clean}`;
  return asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(clean));
}

function extension(oid: string, value: forge.asn1.Asn1, critical = false): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer(oid).getBytes()),
    ...(critical ? [asn1.create(U, T.BOOLEAN, false, String.fromCharCode(0xff))] : []),
    asn1.create(U, T.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

/** The subject Name of a certificate exactly as encoded there (the CRL issuer must match it octet for octet). */
function subjectNameAsn1(certPem: string): forge.asn1.Asn1 {
  const der = forge.pem.decode(certPem)[0]!.body;
  const tbs = (fromDer(der).value as forge.asn1.Asn1[])[0]!;
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return fields[offset + 4]!;
}

/** An X.509 v2 CRL (RFC 5280 §5) signed by the issuing CA, with CRL number, AKI and reason codes. DER. */
export function createCrl(issuingCa: CaMaterial, options: CrlOptions): Uint8Array {
  const issuer = parseCertificate(issuingCa.certPem);
  const key = privateKeyFromPem(issuingCa.keyPem);
  const algorithm = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.OID, false, asn1.oidToDer(OID.sha256WithRSAEncryption).getBytes()),
    asn1.create(U, T.NULL, false, ''),
  ]);
  const entries = [...options.revoked]
    .sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime())
    .map((entry) =>
      asn1.create(U, T.SEQUENCE, true, [
        integerFromHex(entry.serial),
        time(entry.revokedAt),
        asn1.create(U, T.SEQUENCE, true, [
          extension(OID.crlReason, asn1.create(U, T.ENUMERATED, false, String.fromCharCode(REVOCATION_REASONS[entry.reason]))),
        ]),
      ]),
    );
  const crlNumberHex = BigInt(options.crlNumber).toString(16);
  const tbs = asn1.create(U, T.SEQUENCE, true, [
    asn1.create(U, T.INTEGER, false, String.fromCharCode(1)), // v2
    algorithm,
    subjectNameAsn1(issuingCa.certPem),
    time(options.thisUpdate),
    time(options.nextUpdate),
    ...(entries.length ? [asn1.create(U, T.SEQUENCE, true, entries)] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(U, T.SEQUENCE, true, [
        extension(
          OID.authorityKeyIdentifier,
          asn1.create(U, T.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, keyIdentifier(issuer.publicKey))]),
        ),
        extension(OID.crlNumber, integerFromHex(crlNumberHex)),
      ]),
    ]),
  ]);
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const signature = key.sign(md);
  const crl = asn1.create(U, T.SEQUENCE, true, [
    tbs,
    algorithm,
    asn1.create(U, T.BITSTRING, false, String.fromCharCode(0) + signature),
  ]);
  return binaryToBytes(asn1.toDer(crl).getBytes());
}
