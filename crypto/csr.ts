/**
 * PKCS#10 certificate requests (RFC 2986) made on the holder's side — in the browser or by the CLI —
 * from a key pair the holder keeps. node-forge signs the request in pure JS (one RSA signature:
 * fine even in a browser).
 */
import forge from 'node-forge';
import { CryptoFormatError } from './errors.js';
import { nameField } from './certificates.js';
import { OID } from './oids.js';

const T = forge.asn1.Type;

export interface CsrSubject {
  /** CN: the person's or organisation's name. */
  commonName: string;
  /** O: the organisation's registered name. */
  organisation?: string;
  /** organizationIdentifier (2.5.4.97): the organisation's 统一社会信用代码. */
  uscc?: string;
  /** serialNumber (2.5.4.5): a region certificate's 6-digit 行政区划代码 (profile `region`, signs credit feeds). */
  regionCode?: string;
}

/** A CSR for the key pair of `privateKeyPem` (PKCS#8 or PKCS#1 PEM, RSA), signed with SHA-256. PEM. */
export function createCsr(privateKeyPem: string, subject: CsrSubject): string {
  let key: forge.pki.rsa.PrivateKey;
  try {
    key = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  } catch (error) {
    throw new CryptoFormatError('PEM_MALFORMED', `not an RSA private key: ${(error as Error).message}`, { cause: error });
  }
  if (!subject.commonName.trim()) throw new CryptoFormatError('CSR_INVALID', 'CN must not be empty');
  const attributes: forge.pki.CertificateField[] = [nameField('2.5.4.6', 'CN', T.PRINTABLESTRING)];
  if (subject.organisation) attributes.push(nameField(OID.organizationName, subject.organisation));
  if (subject.uscc) attributes.push(nameField(OID.organizationIdentifier, subject.uscc));
  if (subject.regionCode) attributes.push(nameField('2.5.4.5', subject.regionCode, T.PRINTABLESTRING));
  attributes.push(nameField(OID.commonName, subject.commonName));

  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject(attributes);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n');
}
