// A workflow interceptor for the replay test: reports every activity, timer, child workflow and signal a
// workflow asks for, with its arguments, so the test can hold them against what the history recorded.
// Core's own replay check compares command kinds and order; this adds their inputs.
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface CommandProbe extends Sinks {
  probe: { command(kind: string, name: string, args: unknown): void };
}

const { probe } = proxySinks<CommandProbe>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        probe.command('activity', input.activityType, input.args);
        return next(input);
      },
      startTimer(input, next) {
        probe.command('timer', 'timer', input.durationMs);
        return next(input);
      },
      startChildWorkflowExecution(input, next) {
        probe.command('child', input.workflowType, input.options.args ?? []);
        return next(input);
      },
      signalWorkflow(input, next) {
        probe.command('signal', input.signalName, input.args);
        return next(input);
      },
    },
  ],
});
