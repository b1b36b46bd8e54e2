// Generates the Prisma client without the native schema engine (which cannot be downloaded everywhere):
// `prisma generate` never runs the engine, it only checks that the path exists.
import { execFileSync } from 'node:child_process';

const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/false' };
execFileSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env });
