// One flat config for the whole monorepo. Typed linting is what makes
// no-floating-promises possible: an un-awaited promise in the agent is an
// unhandled rejection waiting to crash someone else's process.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.cache/**',
      'test-artifacts/**',
      'collector/ui/vendor/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself awaits.
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Plain JS (configs, scripts, browser UI) is not part of a TS project, nor are the
    // declarations beside the UI's shared modules (collector/ui/*.d.ts).
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'collector/ui/*.d.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['collector/ui/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
