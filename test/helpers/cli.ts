/** Running the built CLI (dist/cli.js; `npm test` builds it first) as a user would. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.js';

export const CLI = join(REPO, 'dist', 'cli.js');

export function runCli(args: string[], opts: { input?: Buffer | string; timeoutMs?: number; env?: Record<string, string> } = {}): SpawnSyncReturns<string> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does it)`);
  return spawnSync(process.execPath, [CLI, ...args], {
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10_000,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
  });
}

/** A Node stack trace line ("    at foo (file:1:2)"). */
export const STACK = /^\s+at .+[:(]/m;
