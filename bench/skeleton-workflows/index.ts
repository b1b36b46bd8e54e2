// Skeleton workflows for the benchmark baselines; bundled on their own (bench/support.ts workflowBundle), never
// part of the product bundle or the replay tests.
export * from './round';
export * from './campaign';
