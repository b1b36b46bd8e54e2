// The supervision sweep's contract: its workflow ID prefix and its input and result (it takes no messages).
import type { SweepInput, SweepSummary } from '../domain/supervision';

export type { SweepInput, SweepSummary };

/** Workflow ID prefix of the scheduled sweeps (Temporal appends the scheduled time). */
export const SWEEP_WORKFLOW_ID = 'supervision-sweep';
