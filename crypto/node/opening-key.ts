import type { PemKeyPair } from '../keys.js';
import { generateRsaKeyPairNode } from './keys.js';

/**
 * RSA-3072, not 2048: every bid of the trade is also encrypted (RSA-OAEP key transport) to this key,
 * and a bid's confidentiality may matter for years after the opening; 3072 bits is the NIST SP 800-57
 * size for 128-bit security beyond 2030. The cost is paid only once per trade (keygen, ~1 s) and
 * once per bid at the opening (a few ms to unwrap a content key), so the stronger size is cheap.
 */
export const OPENING_KEY_BITS = 3072;

/** A fresh opening key pair made by node:crypto: PKCS#8 / SPKI PEM. The certificate comes from the platform CA (`opening` profile). */
export function generateOpeningKeyPair(bits = OPENING_KEY_BITS): Promise<PemKeyPair> {
  return generateRsaKeyPairNode(bits);
}
