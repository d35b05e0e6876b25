import { z } from 'zod';
import { normaliseUscc, usccProblem } from './uscc.js';

/**
 * Zod schemas for the value objects every module shares. A failed check carries the stable error
 * code in `params.code`, so the server can answer e.g. USCC_BAD_CHECK_DIGIT instead of a bare
 * VALIDATION_FAILED.
 */
export const Uscc = z
  .string()
  .transform(normaliseUscc)
  .superRefine((value, ctx) => {
    const problem = usccProblem(value);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message:
          problem === 'USCC_BAD_CHECK_DIGIT'
            ? 'check digit does not match (GB 32100-2015)'
            : 'must be 18 characters: 2 code letters, 6-digit division code, 10 of 0-9A-Y without I O Z S V',
        params: { code: problem },
      });
    }
  });

/** 行政区划代码 (GB/T 2260): six digits, province part 11–82. */
export const DivisionCode = z
  .string()
  .regex(/^[1-8][0-9]{5}$/)
  .superRefine((value, ctx) => {
    const province = Number(value.slice(0, 2));
    if (province < 11 || province > 82) {
      ctx.addIssue({ code: 'custom', message: 'province part must be 11–82', params: { code: 'DIVISION_CODE_INVALID' } });
    }
  });

export const Id = z.coerce.number().int().positive().max(2_147_483_647);
export const IdParams = z.strictObject({ id: Id });
