import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_IO = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'];
const TEST_CODE = { group: ['**/test/*', '**/test/**'], message: 'Only tests import from test/.' };
const KIT_CODE = { group: ['**/kit', '**/kit/*'], message: 'Product code never imports the test kit (kit/).' };

/** One folder's import rule: its own patterns, never test/, and (product code) never kit/. */
function restrict(files, patterns, extra = {}, { product = true } = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [...patterns, TEST_CODE, ...(product ? [KIT_CODE] : [])], ...extra },
      ],
    },
  };
}

function boundaries() {
  return [
    // Workflow code runs in Temporal's deterministic sandbox: @temporalio/workflow, domain/ and the workflows'
    // own modules only (activities by type, for proxyActivities), no Node built-ins, no I/O.
    restrict(
      ['workflows/**/*.ts'],
      [
        {
          group: [...NODE_IO, '../*', '!../domain', '!../domain/*', '!../activities', '@prisma/*', 'pg', 'express'],
          message: 'Workflows are deterministic: import @temporalio/workflow, domain/ and workflow modules only.',
        },
        {
          group: ['../activities', '../activities/*'],
          allowTypeImports: true,
          message: 'Workflows may name activities by type only (proxyActivities); activity code runs in the worker.',
        },
        {
          group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'],
          message: 'Workflows use @temporalio/workflow (and @temporalio/common types) only.',
        },
      ],
    ),
    // The domain is pure: nothing of the project outside domain/, no I/O, no framework.
    restrict(
      ['domain/**/*.ts'],
      [
        {
          group: [...NODE_IO, '../*', '@temporalio/*', '@prisma/*', 'pg', 'express', 'prom-client', 'pino'],
          message: 'domain/ is pure code: it imports only other domain/ modules.',
        },
      ],
    ),
    // The API talks to workflows through their contracts and the Temporal client, never by running activity code.
    restrict(
      ['api/**/*.ts'],
      [{ group: ['**/activities', '**/activities/*'], message: 'api/ never imports activity code.' }],
    ),
    // The console runs in the browser and talks to the API over HTTP only: its own modules, preact and domain/.
    restrict(
      ['console/src/**/*.{ts,tsx}'],
      [
        {
          group: [
            ...NODE_IO,
            '../../api',
            '../../api/*',
            '**/infra/*',
            '**/activities/*',
            '**/workflows/*',
            '@prisma/*',
          ],
          message: 'The console uses the API over HTTP: it imports preact, its own modules and domain/ only.',
        },
      ],
    ),
    restrict(['activities/**/*.ts', 'infra/**/*.ts', 'scripts/**/*.ts', 'sim/**/*.ts'], []),
    // The test kit serves tests and benchmarks: it may import the product and never test/; benchmarks import the kit
    // and never test/.
    restrict(['kit/**/*.ts', 'bench/**/*.ts'], [], {}, { product: false }),
  ];
}

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'generated', 'coverage', '.data', '.tools'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Boundaries between folders (README, Architecture). Each folder has one rule entry: flat config replaces, not
  // merges, a rule's options when several entries match a file. test/support/boundaries.test.ts proves they bite.
  ...boundaries(),
  // HTTP replies in tests (and the kit's client) are untyped JSON.
  { files: ['test/**/*.ts', 'kit/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
