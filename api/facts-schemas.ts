// Request schemas of a household's facts (members, incomes, indicators): PUT /households/{id}/facts, and the facts a
// proposal to enter a new household carries.
import { z } from 'zod';
import {
  HEALTH_STATUSES,
  INDICATORS,
  LABOUR_ABILITIES,
  MEMBER_RELATIONS,
  SCHOOLINGS,
  SEXES,
  type Indicator,
} from '../domain/facts';
import { idNumberProblem } from '../domain/idNumber';
import { isoDate, text, ZIdNumber } from './schema-basics';

/** A household member (家庭成员); the ID number, when given, must agree with the birth year and the sex. */
export const ZMember = z
  .object({
    name: text(50),
    relation: z.enum(MEMBER_RELATIONS),
    idNumber: ZIdNumber.optional(),
    birthYear: z
      .number()
      .int()
      .min(1900)
      .refine((y) => y <= new Date().getUTCFullYear(), 'must not be in the future'),
    sex: z.enum(SEXES),
    health: z.enum(HEALTH_STATUSES),
    schooling: z.enum(SCHOOLINGS),
    labour: z.enum(LABOUR_ABILITIES),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (!m.idNumber || idNumberProblem(m.idNumber) !== null) return;
    if (Number(m.idNumber.slice(6, 10)) !== m.birthYear)
      ctx.addIssue({ code: 'custom', path: ['birthYear'], message: 'does not match the birth date of the ID number' });
    // GB 11643: the sequence's last digit is odd for men, even for women.
    if ((Number(m.idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE') !== m.sex)
      ctx.addIssue({ code: 'custom', path: ['sex'], message: 'does not match the ID number' });
  })
  .meta({ id: 'Member' });

export const ZIncome = z
  .object({
    year: z
      .number()
      .int()
      .min(2000)
      .refine((y) => y <= new Date().getUTCFullYear(), 'must not be in the future'),
    perCapita: z.number().int('must be whole yuan').min(0).max(10_000_000).meta({ description: 'Yuan per person.' }),
  })
  .strict()
  .meta({ id: 'Income' });

export const ZIndicators = z
  .object({
    ...(Object.fromEntries(INDICATORS.map((k) => [k, z.boolean()])) as Record<Indicator, z.ZodBoolean>),
    assessedOn: isoDate,
  })
  .strict()
  .meta({ id: 'Indicators', description: 'The two assurances and three guarantees (两不愁三保障), each met or not.' });

/** Sections of a household's facts; each given section replaces the recorded one whole. */
export const ZFacts = z
  .object({
    members: z
      .array(ZMember)
      .min(1)
      .max(30)
      .superRefine((members, ctx) => {
        if (members[0]?.relation !== 'HEAD')
          ctx.addIssue({ code: 'custom', path: [0, 'relation'], message: 'the head of household comes first' });
        members.forEach((m, i) => {
          if (i > 0 && m.relation === 'HEAD')
            ctx.addIssue({ code: 'custom', path: [i, 'relation'], message: 'a household has one head' });
          const first = members.findIndex((o) => o.idNumber !== undefined && o.idNumber === m.idNumber);
          if (first !== i && first >= 0)
            ctx.addIssue({
              code: 'custom',
              path: [i, 'idNumber'],
              message: `the same ID number as member ${first + 1}`,
            });
        });
      })
      .optional(),
    incomes: z
      .array(ZIncome)
      .max(30)
      .superRefine((incomes, ctx) =>
        incomes.forEach((income, i) => {
          if (incomes.findIndex((o) => o.year === income.year) !== i)
            ctx.addIssue({ code: 'custom', path: [i, 'year'], message: `${income.year} is given twice` });
        }),
      )
      .optional(),
    indicators: ZIndicators.optional(),
  })
  .strict()
  .refine((f) => f.members || f.incomes || f.indicators, 'give at least one of members, incomes, indicators')
  .meta({ id: 'HouseholdFacts' });
export type TFacts = z.infer<typeof ZFacts>;

/** Rules v3: an ENTER the facts do not support, admitted anyway with the reason (a supervision finding lists it). */
export const ZOverride = z.object({ reason: text(1000) }).strict();
