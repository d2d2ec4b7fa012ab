/**
 * Report destinations (--html FILE, --svg DIR) checked before the analysis, which can take
 * minutes on a large capture: a typo in a path is a usage error (exit 2) said at once, not an
 * "internal error" after the work is done. Missing folders are created, as `mkdir -p` would.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

function statOf(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The folder `dir` exists or can be created: its nearest existing ancestor is a folder we may write in. */
function folderProblem(option: string, path: string, dir: string): string | undefined {
  let at = dir;
  let st = statOf(at);
  while (st === undefined && dirname(at) !== at) {
    at = dirname(at);
    st = statOf(at);
  }
  if (st === undefined) return undefined;
  if (!st.isDirectory()) return `${option} ${path}: ${at} is not a folder`;
  if (!writable(at)) return `${option} ${path}: cannot write in ${at} (permission denied)`;
  return undefined;
}

/** Why the file `path` (given to `option`) cannot be written, or undefined. `example`: a file name to suggest. */
export function fileOutputProblem(option: string, path: string, example = 'report.html'): string | undefined {
  const abs = resolve(path);
  const st = statOf(abs);
  if (st?.isDirectory()) return `${option} ${path}: is a folder; give a file name, e.g. ${join(path, example)}`;
  if (st !== undefined && !writable(abs)) return `${option} ${path}: cannot overwrite it (permission denied)`;
  return folderProblem(option, path, dirname(abs));
}

/** Why the folder `path` (given to `option`) cannot be written into, or undefined. */
export function folderOutputProblem(option: string, path: string): string | undefined {
  const abs = resolve(path);
  const st = statOf(abs);
  if (st !== undefined && !st.isDirectory()) return `${option} ${path}: exists and is not a folder`;
  return folderProblem(option, path, abs);
}

/**
 * `mkdir -p dir`, one level at a time. Not fs.mkdir's `recursive`: where the file system answers
 * mkdir with ENOENT though the parent exists (procfs, sysfs: `--html /proc/x/report.html`), Node
 * 20's recursive mkdir takes that for a missing parent and retries forever, at 100% CPU. Here
 * that ENOENT is the error, and any other (ENOTDIR, EACCES) too.
 */
export async function makeFolders(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let at = resolve(dir); dirname(at) !== at; at = dirname(at)) {
    const st = await stat(at).catch(() => undefined);
    if (st !== undefined) break;
    missing.push(at);
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e; // (made meanwhile by another process: fine)
    });
  }
}

/** A write that failed all the same (disk full, a race), as one line without a stack. */
export function writeFailure(option: string, path: string, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const why = err?.code ? `${err.code}${err.syscall ? ` (${err.syscall})` : ''}` : String((e as Error)?.message ?? e).split('\n')[0];
  return `${option} ${path}: could not write: ${why}`;
}
