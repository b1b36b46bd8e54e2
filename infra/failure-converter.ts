// Failure messages and stack traces travel as an encoded payload (the SDK's `encodeCommonAttributes`), so the
// payload codec encrypts them like any other data: an activity error quoting a household's name or ID number never
// lands in Temporal's history in clear. Loaded by path (DataConverter.failureConverterPath) by the clients and the
// workers, and bundled into the workflow code (bundleWorkflowCode's failureConverterPath).
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
