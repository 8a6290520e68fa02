/** Public API of the statistics engine (pure, no I/O). See docs/methods.md. */
export { analyze, effectOf } from './analyze.js';
export type { AnalysisResult, StudyResult, SubgroupLevel } from './analyze.js';
export { validateRequest, formatIssue, formatIssues, MEASURES, DEPENDENCE, MAX_EFFECTS, MAX_REQUEST_BYTES, REQUEST_FIELDS, STUDY_FIELDS } from './validate.js';
export type { AnalysisRequest, StudyInput, ValidationIssue, ValidationResult, Measure, CiType, Dependence } from './validate.js';
export { aggregateEffects, groupClusters, multilevel, cheRve, DependenceError } from './dependence.js';
export type { Clusters, MultilevelFit } from './dependence.js';
export { nullRecord, ownValue, closest } from './keys.js';
export { AnalysisRequestSchema } from './schema.js';
export { rma, confintTau2, predictInterval, generalisedQ, RmaError, METHODS, TESTS } from './rma.js';
export type { RmaFit, RmaOptions, Method, Test, Tau2Ci } from './rma.js';
export { leave1out, cumul, eggerTest, trimfill, stableOrder } from './sensitivity.js';
export {
  escalcSMD, escalcMD, escalcOR, escalcRR, escalcRD, escalcPLO, escalcPFT, hedgesJ, transfLogit, transfIpft, transfPft, harmonicMean,
} from './effects.js';
export type { ArmData, EffectSize, TwoByTwo } from './effects.js';
export { funnel } from './funnel.js';
export type { FunnelContour } from './funnel.js';
export * from './conversions.js';
