/**
 * Typed errors for everything crypto/ refuses. Callers switch on `code`, never on the message.
 * Malformed input of any kind — bad ASN.1, truncated files, unknown structures — is a
 * CryptoFormatError; a well-formed object that does not check out is a CryptoVerifyError; a
 * certificate that may not be used is a CertificateError; k-of-n key problems are ShareErrors.
 */
export type CryptoErrorCode =
  // structure
  | 'CMS_MALFORMED'
  | 'CMS_UNSUPPORTED'
  | 'TRUNCATED'
  | 'PEM_MALFORMED'
  | 'CERT_MALFORMED'
  | 'CRL_MALFORMED'
  // verification
  | 'SIGNATURE_INVALID'
  | 'DIGEST_MISMATCH'
  | 'AUTH_TAG_INVALID'
  | 'SIGNER_MISMATCH'
  | 'NOT_A_RECIPIENT'
  | 'KEY_MISMATCH'
  | 'TIMESTAMP_INVALID'
  | 'RECEIPT_INVALID'
  | 'CRL_INVALID'
  // certificates
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_REVOKED'
  | 'CERT_UNTRUSTED'
  | 'CERT_WRONG_USAGE'
  | 'CERT_SUBJECT_MISMATCH'
  | 'CSR_INVALID'
  // k-of-n opening key
  | 'SHARES_INSUFFICIENT'
  | 'SHARE_CORRUPTED'
  | 'SHARE_FOREIGN';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;
  constructor(code: CryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** Anything malformed: bad ASN.1, wrong structure, truncated data, unsupported algorithm. */
export class CryptoFormatError extends CryptoError {
  constructor(code: Extract<CryptoErrorCode, 'CMS_MALFORMED' | 'CMS_UNSUPPORTED' | 'TRUNCATED' | 'PEM_MALFORMED' | 'CSR_INVALID' | 'CERT_MALFORMED' | 'CRL_MALFORMED'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CryptoFormatError';
  }
}

/** Well-formed, but a signature, digest, tag, recipient or key does not check out. */
export class CryptoVerifyError extends CryptoError {
  constructor(
    code: Extract<CryptoErrorCode, 'SIGNATURE_INVALID' | 'DIGEST_MISMATCH' | 'AUTH_TAG_INVALID' | 'SIGNER_MISMATCH' | 'NOT_A_RECIPIENT' | 'KEY_MISMATCH' | 'TIMESTAMP_INVALID' | 'RECEIPT_INVALID' | 'CRL_INVALID'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'CryptoVerifyError';
  }
}

/** A certificate that may not be used here (time, revocation, chain, key usage, subject). */
export class CertificateError extends CryptoError {
  constructor(
    code: Extract<CryptoErrorCode, 'CERT_EXPIRED' | 'CERT_NOT_YET_VALID' | 'CERT_REVOKED' | 'CERT_UNTRUSTED' | 'CERT_WRONG_USAGE' | 'CERT_SUBJECT_MISMATCH'>,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'CertificateError';
  }
}

/** Rebuilding the opening key failed: too few shares, a bad share, or a share of another trade. */
export class ShareError extends CryptoError {
  constructor(code: Extract<CryptoErrorCode, 'SHARES_INSUFFICIENT' | 'SHARE_CORRUPTED' | 'SHARE_FOREIGN' | 'KEY_MISMATCH'>, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ShareError';
  }
}

export const isCryptoError = (error: unknown): error is CryptoError => error instanceof CryptoError;
