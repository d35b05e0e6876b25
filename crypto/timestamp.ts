/**
 * The platform's own RFC 3161 timestamp authority (时间戳服务), with pkijs: a TimeStampToken is a CMS
 * SignedData whose content is a TSTInfo (RFC 3161 §2.4.2) naming the SHA-256 of the stamped bytes
 * and the time. Tokens carry the ESS signingCertificateV2 attribute (RFC 5816) so that
 * `openssl ts -verify` accepts them; tokens made by `openssl ts -reply` (signingCertificate v1 or
 * v2) verify here too. Isomorphic: WebCrypto for the key operations.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { CertificateError, CryptoFormatError, CryptoVerifyError, isCryptoError } from './errors.js';
import { OID } from './oids.js';
import {
  certificateDer,
  certificatePem,
  certificatesFromPem,
  checkSignedData,
  ensurePkijsEngine,
  equalBytes,
  extendedKeyUsage,
  importRsaSigningKey,
  buildSignedData,
  sha256,
  toArrayBuffer,
  validateChain,
} from './pkijs-support.js';

export interface IssueTimestampInput {
  /** SHA-256 of the stamped bytes (32 bytes). */
  messageImprintSha256: Uint8Array;
  tsaCertificatePem: string;
  /** PKCS#8 PEM of the TSA key (RSA; signed RSASSA-PKCS1-v1_5/SHA-256). */
  tsaPrivateKeyPem: string;
  /** Issuing CA certificates to embed with the TSA certificate. */
  chainPem?: string;
  /** Unique per token (RFC 3161 §2.4.2): the caller's counter or a random 64-bit value. */
  serialNumber: bigint | number;
  /** Truncated to whole seconds (DER GeneralizedTime, no fraction). */
  genTime: Date;
  policyOid?: string;
  nonce?: bigint | number;
}

export interface VerifyTimestampOptions {
  expectedImprintSha256: Uint8Array;
  /** Decides whether the TSA certificate is trusted (e.g. the CA module's chain + CRL check); throw to refuse. */
  trust?: (tsaCertificatePem: string, carriedCertificatesPem: string[], genTime: Date) => Promise<unknown>;
  /** Or: trust anchors for an offline RFC 5280 chain check at genTime (the chain may come from the token). */
  trustAnchorsPem?: string;
  /** Extra certificates: the TSA certificate when the token carries none (requested without certReq), intermediates for the chain check. */
  untrustedPem?: string;
}

export interface VerifiedTimestamp {
  genTime: Date;
  /** Decimal. */
  serialNumber: string;
  policyOid: string;
  nonce?: string;
  tsaCertificatePem: string;
}

function positiveInteger(value: bigint | number): asn1js.Integer {
  const big = BigInt(value);
  if (big < 0n) throw new RangeError('serial number and nonce must not be negative');
  return asn1js.Integer.fromBigInt(big);
}

/** Issues a DER TimeStampToken (ContentInfo(SignedData(TSTInfo))). */
export async function issueTimestampToken(input: IssueTimestampInput): Promise<Uint8Array> {
  ensurePkijsEngine();
  if (input.messageImprintSha256.length !== 32) throw new RangeError('messageImprintSha256 must be 32 bytes');
  const tsa = certificatesFromPem(input.tsaCertificatePem)[0];
  if (!tsa) throw new CryptoFormatError('PEM_MALFORMED', 'no TSA certificate');
  const eku = extendedKeyUsage(tsa.certificate);
  // RFC 3161 §2.3: the TSA certificate has exactly one, critical, extendedKeyUsage: timeStamping.
  if (!eku || !eku.critical || eku.usages.length !== 1 || eku.usages[0] !== OID.extKeyUsageTimeStamping) {
    throw new CertificateError('CERT_WRONG_USAGE', 'the TSA certificate needs a critical extendedKeyUsage of exactly timeStamping');
  }
  const genTime = new Date(Math.floor(input.genTime.getTime() / 1000) * 1000);
  const tstInfo = new pkijs.TSTInfo({
    version: 1,
    policy: input.policyOid ?? OID.tenderhallTsaPolicy,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256 }),
      hashedMessage: new asn1js.OctetString({ valueHex: toArrayBuffer(input.messageImprintSha256) }),
    }),
    serialNumber: positiveInteger(input.serialNumber),
    genTime,
    accuracy: new pkijs.Accuracy({ seconds: 1 }),
    ...(input.nonce === undefined ? {} : { nonce: positiveInteger(input.nonce) }),
  });
  const content = new Uint8Array(tstInfo.toSchema().toBER());
  return buildSignedData({
    eContentType: OID.tstInfo,
    content,
    signerCertificatePem: input.tsaCertificatePem,
    ...(input.chainPem ? { chainPem: input.chainPem } : {}),
    privateKey: await importRsaSigningKey(input.tsaPrivateKeyPem),
  });
}

/**
 * Verifies a DER TimeStampToken: the CMS signature, the ESS signing-certificate binding, the TSA
 * certificate's timeStamping usage and validity at genTime, the imprint, and trust (callback or
 * anchors — one of them is required). Any failure: CryptoVerifyError TIMESTAMP_INVALID (or a
 * CertificateError from the trust check, a CryptoFormatError for malformed input).
 */
export async function verifyTimestampToken(tokenDer: Uint8Array, options: VerifyTimestampOptions): Promise<VerifiedTimestamp> {
  if (!options.trust && !options.trustAnchorsPem) throw new TypeError('verifyTimestampToken needs trust or trustAnchorsPem');
  try {
    return await verifyToken(tokenDer, options);
  } catch (error) {
    // Whatever a parser throws on hostile input (RangeError from a date, TypeError from a missing field) is a malformed token.
    if (isCryptoError(error)) throw error;
    throw new CryptoFormatError('CMS_MALFORMED', `timestamp token malformed: ${(error as Error).message ?? error}`, { cause: error });
  }
}

async function verifyToken(tokenDer: Uint8Array, options: VerifyTimestampOptions): Promise<VerifiedTimestamp> {
  const signed = await checkSignedData(tokenDer, 'TIMESTAMP_INVALID', certificatesFromPem(options.untrustedPem).map((c) => c.certificate));
  if (signed.eContentType !== OID.tstInfo) throw new CryptoVerifyError('TIMESTAMP_INVALID', `content type ${signed.eContentType} is not TSTInfo`);
  let tstInfo: pkijs.TSTInfo;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(signed.content));
    if (parsed.offset !== signed.content.length) throw new Error('trailing bytes');
    tstInfo = new pkijs.TSTInfo({ schema: parsed.result });
  } catch (cause) {
    throw new CryptoFormatError('CMS_MALFORMED', 'TSTInfo is malformed', { cause });
  }
  if (!signed.signedAttribute(OID.signingCertificateV2) && !(await signingCertificateV1Matches(signed.signedAttribute(OID.signingCertificate), signed.signerDer))) {
    throw new CryptoVerifyError('TIMESTAMP_INVALID', 'no ESS signing-certificate attribute naming the TSA certificate (RFC 3161 §2.4.1)');
  }
  const imprint = tstInfo.messageImprint;
  if (imprint.hashAlgorithm.algorithmId !== OID.sha256) throw new CryptoVerifyError('TIMESTAMP_INVALID', `imprint hash ${imprint.hashAlgorithm.algorithmId} is not SHA-256`);
  if (!equalBytes(new Uint8Array(imprint.hashedMessage.valueBlock.valueHexView), options.expectedImprintSha256)) {
    throw new CryptoVerifyError('TIMESTAMP_INVALID', 'the token stamps different data (message imprint differs)');
  }
  const eku = extendedKeyUsage(signed.signer);
  if (!eku || !eku.critical || !eku.usages.includes(OID.extKeyUsageTimeStamping)) throw new CryptoVerifyError('TIMESTAMP_INVALID', 'the signer is not a timestamp authority (no critical timeStamping usage)');
  const genTime = tstInfo.genTime;
  if (genTime < signed.signer.notBefore.value || genTime > signed.signer.notAfter.value) throw new CryptoVerifyError('TIMESTAMP_INVALID', 'genTime lies outside the TSA certificate validity');
  const tsaCertificatePem = certificatePem(signed.signer);
  const carried = signed.certificates.filter((c) => !equalBytes(certificateDer(c), signed.signerDer));
  if (options.trust) {
    try {
      await options.trust(tsaCertificatePem, carried.map(certificatePem), genTime);
    } catch (error) {
      if (isCryptoError(error)) throw error;
      throw new CertificateError('CERT_UNTRUSTED', `the TSA certificate is not trusted: ${(error as Error).message ?? error}`, { cause: error });
    }
  } else {
    const anchors = certificatesFromPem(options.trustAnchorsPem).map((c) => c.certificate);
    const intermediates = [...carried, ...certificatesFromPem(options.untrustedPem).map((c) => c.certificate)];
    await validateChain(signed.signer, intermediates, anchors, genTime);
  }
  return {
    genTime,
    serialNumber: tstInfo.serialNumber.toBigInt().toString(),
    policyOid: tstInfo.policy,
    ...(tstInfo.nonce ? { nonce: tstInfo.nonce.toBigInt().toString() } : {}),
    tsaCertificatePem,
  };
}

/** ESS signingCertificate v1 (RFC 2634 §5.4): the first ESSCertID's SHA-1 must be the signer's. */
async function signingCertificateV1Matches(attr: pkijs.Attribute | undefined, signerDer: Uint8Array): Promise<boolean> {
  if (!attr) return false;
  try {
    const certs = (attr.values[0] as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const first = certs.valueBlock.value[0] as asn1js.Sequence;
    const hash = new Uint8Array((first.valueBlock.value[0] as asn1js.OctetString).valueBlock.valueHexView);
    const actual = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-1', signerDer));
    if (!equalBytes(hash, actual)) throw new CryptoVerifyError('TIMESTAMP_INVALID', 'signingCertificate does not name the TSA certificate');
    return true;
  } catch (error) {
    if (error instanceof CryptoVerifyError) throw error;
    throw new CryptoVerifyError('TIMESTAMP_INVALID', 'signingCertificate attribute malformed', { cause: error });
  }
}

/**
 * The TimeStampToken out of a DER TimeStampResp (what `openssl ts -reply` writes without -token_out),
 * refusing any status but granted (0) or grantedWithMods (1).
 */
export function timestampTokenFromResponse(responseDer: Uint8Array): Uint8Array {
  ensurePkijsEngine();
  let response: pkijs.TimeStampResp;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(responseDer));
    if (parsed.offset !== responseDer.length) throw new Error('trailing bytes');
    response = new pkijs.TimeStampResp({ schema: parsed.result });
  } catch (cause) {
    throw new CryptoFormatError('CMS_MALFORMED', 'not an RFC 3161 TimeStampResp', { cause });
  }
  const status = response.status.status;
  if ((status !== 0 && status !== 1) || !response.timeStampToken) throw new CryptoVerifyError('TIMESTAMP_INVALID', `the TSA refused the request (status ${status})`);
  return new Uint8Array(response.timeStampToken.toSchema().toBER());
}

/** SHA-256 of bytes, for callers stamping data they hold (the imprint is always SHA-256 here). */
export const imprintOf = (data: Uint8Array): Promise<Uint8Array> => sha256(data);
