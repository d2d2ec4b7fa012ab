/** How reports name packets and captures. */

/**
 * A packet number as the reader finds it in Wireshark, which numbers each file from 1: with
 * several files in one run, "file:packet" (2:18 is packet 18 of the second file listed under
 * Capture); with one file, the bare number.
 */
export function pktRef(packet: number, file: number | undefined, multi: boolean): string {
  return multi ? `${(file ?? 0) + 1}:${packet}` : String(packet);
}

export const PKT_REF_NOTE = 'packets are numbered per file, as in Wireshark: 2:18 is packet 18 of file 2';

/** A capture's name as reports show it: standard input ('-' on the command line) is "stdin". */
export function captureName(path: string): string {
  return path === '-' ? 'stdin' : path;
}
