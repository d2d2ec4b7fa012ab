/**
 * Temporary files for tests, outside the repository: one directory per test file, made on
 * first use and removed when that test file is done.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

let dir: string | undefined;
let seq = 0;

// Registered on the importing test file: remove its temp files when it is done.
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** This test file's temporary directory. */
export function tempDir(): string {
  return (dir ??= mkdtempSync(join(tmpdir(), 'pcap-reset-test-')));
}

/** Write bytes to a fresh temp file (named `N-name`) and return its path. */
export function tempFile(bytes: Buffer, name = 'cap'): string {
  const p = join(tempDir(), `${seq++}-${name}`);
  writeFileSync(p, bytes);
  return p;
}
