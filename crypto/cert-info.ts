/**
 * The few X.509 fields CMS needs, read straight from the DER (RFC 5280 §4.1) so the exact bytes
 * of the issuer name and serial number are kept: CMS matches recipients and signers on them.
 * Validity, chains and revocation are crypto/certificates.ts's business, not this file's.
 */
import { children, expect, items, malformed, raw, readOctets, readOid, TAG, value, ctx, parseDer, type Tlv } from './der.js';
import { CryptoFormatError } from './errors.js';
import { OID } from './oids.js';
import { pemToDer } from './pem.js';

export interface CertificateInfo {
  der: Uint8Array;
  /** Issuer Name, whole DER element. */
  issuer: Uint8Array;
  /** serialNumber, whole INTEGER element (tag + length + value). */
  serialNumber: Uint8Array;
  subject: Uint8Array;
  subjectPublicKeyInfo: Uint8Array;
  subjectKeyIdentifier?: Uint8Array;
}

export function certificateInfo(der: Uint8Array): CertificateInfo {
  try {
    const certificate = parseDer(der);
    const [tbs] = items(certificate, TAG.SEQUENCE, 'Certificate');
    const fields = items(tbs, TAG.SEQUENCE, 'TBSCertificate');
    const hasVersion = fields[0]?.tag === ctx(0);
    const at = (i: number): Tlv | undefined => fields[i + (hasVersion ? 1 : 0)];
    const serial = expect(at(0), TAG.INTEGER, 'serialNumber');
    const issuer = expect(at(2), TAG.SEQUENCE, 'issuer');
    const subject = expect(at(4), TAG.SEQUENCE, 'subject');
    const spki = expect(at(5), TAG.SEQUENCE, 'subjectPublicKeyInfo');
    let subjectKeyIdentifier: Uint8Array | undefined;
    const extensions = fields.find((f) => f.tag === ctx(3));
    if (extensions) {
      const [list] = children(extensions);
      for (const extension of items(list, TAG.SEQUENCE, 'extensions')) {
        const parts = items(extension, TAG.SEQUENCE, 'extension');
        if (readOid(parts[0], 'extnID') !== OID.subjectKeyIdentifier) continue;
        const extnValue = readOctets(parts[parts.length - 1], 'extnValue');
        subjectKeyIdentifier = readOctets(parseDer(extnValue), 'subjectKeyIdentifier');
      }
    }
    return { der, issuer: raw(issuer), serialNumber: raw(serial), subject: raw(subject), subjectPublicKeyInfo: raw(spki), ...(subjectKeyIdentifier ? { subjectKeyIdentifier } : {}) };
  } catch (error) {
    if (error instanceof CryptoFormatError) throw error;
    throw malformed('certificate', error);
  }
}

export function certificateInfoFromPem(pem: string): CertificateInfo {
  return certificateInfo(pemToDer(pem, 'CERTIFICATE'));
}

/** SPKI DER of a PEM public key or certificate. */
export function publicKeyDerFromPem(pem: string): Uint8Array {
  if (pem.includes('-----BEGIN CERTIFICATE-----')) return certificateInfoFromPem(pem).subjectPublicKeyInfo;
  return pemToDer(pem, 'PUBLIC KEY');
}

/** Serial number as upper-case hex without leading zero bytes (as openssl prints it). */
export function serialHex(info: CertificateInfo): string {
  const bytes = value(parseDer(info.serialNumber));
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex.replace(/^(00)+(?=.)/, '').toUpperCase();
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.5': 'serialNumber', '2.5.4.97': 'organizationIdentifier',
};

/** A Name as one line, e.g. `O=Tenderhall Test, CN=投标人甲` (for messages, not for matching). */
export function nameLine(nameDer: Uint8Array): string {
  const parts: string[] = [];
  for (const rdn of items(parseDer(nameDer), TAG.SEQUENCE, 'Name')) {
    for (const atv of items(rdn, TAG.SET, 'RDN')) {
      const [type, v] = items(atv, TAG.SEQUENCE, 'AttributeTypeAndValue');
      const id = readOid(type, 'attribute type');
      const bytes = v ? value(v) : new Uint8Array(0);
      const text = v?.tag === 0x1e ? String.fromCharCode(...Array.from({ length: bytes.length >> 1 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!)) : new TextDecoder().decode(bytes);
      parts.push(`${SHORT_NAMES[id] ?? id}=${text}`);
    }
  }
  return parts.join(', ');
}

export const certificateSubjectLine = (info: CertificateInfo): string => nameLine(info.subject);
