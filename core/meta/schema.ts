/** zod schema of the analysis request (shape only; semantic checks with study/field messages are in
 * validate.ts: use validateRequest() for input from outside). */
import { z } from 'zod';
import { METHODS } from './rma.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const StudyInputSchema = z.object({
  id: z.string().min(1),
  year: finite.optional(),
  n1: finite.min(2).optional(),
  m1: finite.optional(),
  sd1: finite.positive().optional(),
  n2: finite.min(2).optional(),
  m2: finite.optional(),
  sd2: finite.positive().optional(),
  yi: finite.optional(),
  vi: finite.positive().optional(),
  moderators: z.record(z.string(), z.union([z.string(), finite, z.null()])).optional(),
});

export const AnalysisRequestSchema = z.object({
  measure: z.enum(['SMD', 'MD', 'GEN']).default('SMD'),
  method: z.enum(METHODS).default('REML'),
  ci: z.enum(['knha', 'z']).default('knha'),
  level: z.number().gt(0).lt(1).optional(),
  smdVariant: z.enum(['metafor', 'revman5']).optional(),
  studies: z.array(StudyInputSchema).min(1),
  subgroup: z.string().min(1).optional(),
  metaRegression: z.array(z.string().min(1)).optional(),
});
