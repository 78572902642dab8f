// Makes `npm start`, `npm test` and `npm run bench` work on a fresh clone with no other step:
// installs the locked dependencies when they are missing or stale, then builds the packages
// (incrementally: a no-op build takes about a second).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const installed = `${root}node_modules/.package-lock.json`;
const lock = `${root}package-lock.json`;

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error('[setup] installing locked dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
run(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-b']);
