/** `s` with every RegExp metacharacter escaped, to match it literally inside a pattern (file names in messages). */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
