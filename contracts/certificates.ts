import { z } from 'zod';

/** Certificate profiles the platform CA issues (crypto/ca.ts CERTIFICATE_PROFILES). */
export const CERTIFICATE_ROLES = ['bidder', 'expert', 'official', 'staff', 'opening', 'platform', 'tsa', 'region'] as const;
export const CertificateRole = z.enum(CERTIFICATE_ROLES);

/** RFC 5280 §5.3.1 reason names (crypto/certificates.ts REVOCATION_REASONS). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'privilegeWithdrawn',
] as const;
export const RevocationReason = z.enum(REVOCATION_REASONS);

const PEM_LIMIT = 16 * 1024;

export const CsrRequest = z.strictObject({
  /** PKCS#10 PEM made on the holder's side; the platform never sees the private key. */
  csr: z.string().min(100).max(PEM_LIMIT),
});
export type CsrRequest = z.infer<typeof CsrRequest>;

export const SerialParams = z.strictObject({ serial: z.string().regex(/^[0-9a-fA-F]{1,40}$/, 'hex serial number').transform((s) => s.toLowerCase()) });

export const RevokeRequest = z.strictObject({ reason: RevocationReason.default('unspecified') });
export type RevokeRequest = z.infer<typeof RevokeRequest>;

export const CertificateView = z.object({
  serial: z.string(),
  fingerprint: z.string(),
  role: CertificateRole,
  subject: z.string(),
  commonName: z.string().nullable(),
  uscc: z.string().nullable(),
  userId: z.number().int().nullable(),
  organisationId: z.number().int().nullable(),
  notBefore: z.string(),
  notAfter: z.string(),
  status: z.enum(['valid', 'revoked']),
  revokedAt: z.string().nullable(),
  revocationReason: RevocationReason.nullable(),
  pem: z.string(),
});
export type CertificateView = z.infer<typeof CertificateView>;

export const IssuedCertificateResponse = z.object({
  certificate: CertificateView,
  /** The new certificate, then the issuing CA, then the root (PEM). */
  chainPem: z.string(),
});
export type IssuedCertificateResponse = z.infer<typeof IssuedCertificateResponse>;
