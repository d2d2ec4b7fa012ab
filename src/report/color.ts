/**
 * Terminal colors: only on a TTY, never when NO_COLOR is set (https://no-color.org),
 * forced with FORCE_COLOR=1.
 */
export interface Palette {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const wrap = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`;
const plain = (s: string) => s;

export function palette(enabled: boolean): Palette {
  if (!enabled) return { red: plain, yellow: plain, green: plain, dim: plain, bold: plain, cyan: plain };
  return { red: wrap('31'), yellow: wrap('33'), green: wrap('32'), dim: wrap('2'), bold: wrap('1'), cyan: wrap('36') };
}

export function colorWanted(stream: NodeJS.WriteStream, flag?: boolean): boolean {
  if (flag === false) return false;
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  if (process.env['FORCE_COLOR'] && process.env['FORCE_COLOR'] !== '0') return true;
  return Boolean(stream.isTTY);
}

/** Strip control characters from untrusted text before it reaches a terminal. */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
