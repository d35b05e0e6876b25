/**
 * Reads the bidder's key file: the password-protected PKCS#12 (.p12) the certificates page saved
 * (crypto/pkcs12.ts createPkcs12). Everything happens in the page; the key is kept in memory only.
 */
import forge from 'node-forge';

export interface KeyFile {
  /** PKCS#8 PEM (what the WebCrypto provider imports). */
  privateKeyPem: string;
  /** The holder's certificate (the one whose public key matches the private key). */
  certificatePem: string;
  /** The other certificates in the file (issuing CA, root). */
  chainPem: string[];
}

export type KeyFileProblem = 'KEYFILE_PASSWORD' | 'KEYFILE_NO_KEY' | 'KEYFILE_NO_CERT' | 'KEYFILE_MALFORMED';

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(readonly code: KeyFileProblem) {
    super(code);
  }
}

function binary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

export function readPkcs12(bytes: Uint8Array, password: string): KeyFile {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(binary(bytes));
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
    } catch {
      throw new KeyFileError('KEYFILE_PASSWORD');
    }
  } catch (error) {
    if (error instanceof KeyFileError) throw error;
    throw new KeyFileError('KEYFILE_MALFORMED');
  }
  const bagsOf = (type: string | undefined): forge.pkcs12.Bag[] => (type ? (p12.getBags({ bagType: type })[type] ?? []) : []);
  const keyBags = [...bagsOf(forge.pki.oids.pkcs8ShroudedKeyBag), ...bagsOf(forge.pki.oids.keyBag)];
  const key = keyBags.find((bag) => bag.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new KeyFileError('KEYFILE_NO_KEY');
  const certs: forge.pki.Certificate[] = bagsOf(forge.pki.oids.certBag).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const mine = certs.find((cert) => {
    const pub = cert.publicKey as forge.pki.rsa.PublicKey;
    return pub.n !== undefined && pub.n.equals(key.n) && pub.e.equals(key.e);
  });
  if (!mine) throw new KeyFileError('KEYFILE_NO_CERT');
  const privateKeyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key)));
  return {
    privateKeyPem,
    certificatePem: forge.pki.certificateToPem(mine),
    chainPem: certs.filter((c) => c !== mine).map((c) => forge.pki.certificateToPem(c)),
  };
}
