/** Where tests find the project's own captures and the shared public corpus. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CAPTURES = join(REPO, 'captures');
/** ../shared/corpus beside the repository (CI has it). */
export const CORPUS = resolve(REPO, '../shared/corpus');

export function requireCorpus(): string {
  if (!existsSync(CORPUS)) throw new Error(`the shared corpus is missing: expected ${CORPUS} (CI checks out shared/ beside the repo)`);
  return CORPUS;
}
