/**
 * 统一社会信用代码 (unified social credit code, USCC), GB 32100-2015.
 *
 * 18 characters: registration-authority code (1), organisation-type code (1), administrative
 * division code (6 digits), organisation code (9, GB 11714), check character (1). The alphabet has
 * 31 characters — digits and capitals without I, O, Z, S, V. The check character is
 * C18 = 31 − (Σ Ci·Wi mod 31), with 31 written as 0.
 *
 * Pure and dependency-free: server, client and CLI use the same code.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export type UsccProblem = 'USCC_MALFORMED' | 'USCC_BAD_CHECK_DIGIT';

/** The check character for the first 17 characters (which must already be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new RangeError('need the first 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i] as string);
    if (value < 0) throw new RangeError(`character ${first17[i]} is not in the USCC alphabet`);
    sum += value * (WEIGHTS[i] as number);
  }
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check] as string;
}

/** null when valid, otherwise which rule it breaks. Input must already be upper case and trimmed. */
export function usccProblem(code: string): UsccProblem | null {
  if (typeof code !== 'string' || code.length !== 18 || !SHAPE.test(code)) return 'USCC_MALFORMED';
  return usccCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'USCC_BAD_CHECK_DIGIT';
}

export function isValidUscc(code: string): boolean {
  return usccProblem(code) === null;
}

/** Normalises what people type: surrounding blanks dropped, letters upper-cased. */
export function normaliseUscc(input: string): string {
  return input.trim().toUpperCase();
}

/** The 6-digit administrative division code embedded at characters 3–8. */
export function usccDivisionCode(code: string): string {
  return code.slice(2, 8);
}
