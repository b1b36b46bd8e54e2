// Chinese labels the county and township views need beyond labels.ts: the domain's own tables (the words the
// roster export and the exit notices print), re-exported so the pages never spell them again.
export { STATUS_LABELS as HOUSEHOLD_STATUS_LABELS } from '../../domain/csv';
export { HEALTH_LABELS, RELATION_LABELS, SEX_LABELS } from '../../domain/roster';
export { EXIT_LEVEL_LABELS, EXIT_STAGE_LABELS } from '../../domain/exit';
