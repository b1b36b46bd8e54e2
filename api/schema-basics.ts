// Building blocks of the request schemas shared by api/schemas.ts and api/facts-schemas.ts.
import { z } from 'zod';
import { idNumberProblem } from '../domain/idNumber';

export const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
export const count = z.number().int().min(0).max(100_000);
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .meta({ examples: ['2026-05-01'] })
  .refine((v) => {
    const d = new Date(v + 'T00:00:00Z');
    return (
      !Number.isNaN(d.getTime()) &&
      d.toISOString().startsWith(v) &&
      d.getUTCFullYear() >= 2000 &&
      d.getUTCFullYear() <= 2100
    );
  }, 'must be a real date between 2000 and 2100');

export const ZIdNumber = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase())
  .superRefine((v, ctx) => {
    const problem = idNumberProblem(v);
    if (problem === 'FORMAT') ctx.addIssue({ code: 'custom', message: 'must be an 18-character ID number' });
    else if (problem === 'BIRTH_DATE') ctx.addIssue({ code: 'custom', message: 'has an impossible birth date' });
    else if (problem === 'CHECKSUM') ctx.addIssue({ code: 'custom', message: 'fails the ID number checksum' });
  });
