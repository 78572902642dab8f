import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so `npm test` needs no build step to see a change.
    alias: {
      '@cllama/core': src('core'),
      '@cllama/express': src('express'),
      '@cllama/koa': src('koa'),
      '@cllama/otel': src('otel'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/bench/**'],
    env: { ANTHROPIC_OPEN_TELEMETRY: 'false' },
    testTimeout: 15_000,
    hookTimeout: 15_000,
  },
});
