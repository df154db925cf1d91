// Lint is for bugs a type checker misses (floating promises above all: a dropped
// promise in the worker is a job that silently never finishes), not for style.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.data', '.vercel', 'coverage', '.probe', 'test-results', 'public/admin/assets/vendor'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // The dashboard's browser modules: plain ES modules with no build step.
    files: ['public/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['document', 'location', 'history', 'fetch', 'confirm', 'prompt', 'setInterval', 'clearInterval', 'Node', 'FormData', 'URLSearchParams']
        .map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        // node:test's describe/test return promises the runner itself tracks.
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // A variable read by a closure created before its one assignment cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
);
