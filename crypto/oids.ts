/** Object identifiers used by Tenderhall's CMS objects and certificates, named once. */
export const OID = {
  // CMS content types (RFC 5652, RFC 5083)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  // signed attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  // algorithms
  sha256: '2.16.840.1.101.3.4.2.1',
  sha1: '1.3.14.3.2.26',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  pSpecified: '1.2.840.113549.1.1.9',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  rsassaPss: '1.2.840.113549.1.1.10',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  // SM suite (GB/T 35275), reserved for the second suite
  sm2: '1.2.156.10197.1.301',
  sm3: '1.2.156.10197.1.401',
  sm4: '1.2.156.10197.1.104',
  // X.509
  extKeyUsageTimeStamping: '1.3.6.1.5.5.7.3.8',
  extKeyUsageClientAuth: '1.3.6.1.5.5.7.3.2',
  extKeyUsageEmailProtection: '1.3.6.1.5.5.7.3.4',
  // X.509 certificate and CRL extensions (RFC 5280)
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  // subject attribute for the 统一社会信用代码 (organizationIdentifier, X.520)
  organizationIdentifier: '2.5.4.97',
  // Tenderhall private arc (placeholder enterprise number, documented in docs/sealed-bid-format.md)
  tenderhall: '1.3.6.1.4.1.61443',
  tenderhallRole: '1.3.6.1.4.1.61443.1.1',
  tenderhallReceipt: '1.3.6.1.4.1.61443.2.1',
  tenderhallOpeningShare: '1.3.6.1.4.1.61443.2.2',
  /** TSA policy of the platform's own RFC 3161 timestamp authority (docs/receipts.md). */
  tenderhallTsaPolicy: '1.3.6.1.4.1.61443.3.1',
} as const;
