// A second HTTP API on a running stack, built with other createApp options (a small auth limit, a Temporal
// client that fails, ...); it shares the stack's database, Temporal and worker.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createApp, type AppDeps } from '../api/app';
import { createLogger } from '../infra/logger';
import type { Stack } from './stack';

export interface ExtraApi {
  baseUrl: string;
  logs: string[];
  close(): Promise<void>;
}

export async function startExtraApi(stack: Stack, overrides: Partial<AppDeps> = {}): Promise<ExtraApi> {
  const logs: string[] = [];
  const app = createApp({
    prisma: stack.db.prisma,
    client: stack.env.client,
    taskQueue: stack.taskQueue,
    logger: createLogger('debug', (line) => logs.push(line)),
    ...overrides,
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    logs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
