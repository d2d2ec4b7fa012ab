/**
 * Guessing the server software and phrasing settings from the knowledge table
 * (servers.ts): by the HTTP `Server` header when the capture has one, else by
 * matching an inferred value against documented defaults. A guess from defaults
 * is phrased as a match ("2.0 s matches gunicorn's default --keep-alive 2"),
 * never as a fact.
 */
import { SOFTWARE, type Setting, type Software } from './servers.js';

export type ServerSettingKey = 'idleTimeout' | 'requestCap' | 'requestTimeout';
export type ClientSettingKey = 'clientIdleTimeout' | 'clientRequestTimeout' | 'clientRequestCap';

/** The software a `Server` response header names (first table entry whose marker it contains). */
export function softwareFromHeader(header: string | undefined): Software | undefined {
  if (!header) return undefined;
  const h = header.toLowerCase();
  return SOFTWARE.find((s) => s.serverHeader?.some((m) => h.includes(m)));
}

/**
 * Software whose documented default for `key` matches `value` (within 10 % or 50 ms; for
 * counts, exactly). Inferred timeouts are lower edges, so they sit at or just above the setting.
 */
export function matchDefault(key: ServerSettingKey, value: number): Software[] {
  return SOFTWARE.filter((s) => matchesSetting(key, s[key], value) !== '');
}

/** '' no match, 'default' the documented default, 'observed' the value the software shows on the wire by default. */
function matchesSetting(key: ServerSettingKey, st: Setting | undefined, value: number): '' | 'default' | 'observed' {
  if (!st || st.default === null) return '';
  const near = (d: number) => (key === 'requestCap' ? d === value : Math.abs(value - d) <= Math.max(0.1 * d, 0.05));
  if (near(st.default)) return 'default';
  if (st.observedDefault !== undefined && near(st.observedDefault)) return 'observed';
  return '';
}

export interface SoftwareGuess {
  software: Software;
  /** 'header': named by the Server header; 'default': the value matches its documented default. */
  by: 'header' | 'default';
  /** e.g. "2.0 s matches gunicorn's default --keep-alive (keepalive) 2 s". */
  text: string;
}

function fmtDefault(key: ServerSettingKey | ClientSettingKey, s: Setting): string {
  if (s.default === null) return 'no default';
  if (key === 'requestCap' || key === 'clientRequestCap') return String(s.default);
  return `${s.default} s`;
}

/**
 * What the server probably is, for the value inferred for `key`: the Server header wins when it
 * names a table entry; else the software whose default matches (all of them when several do).
 */
export function guessSoftware(key: ServerSettingKey, value: number, valueText: string, serverHeader?: string): SoftwareGuess[] {
  const byHeader = softwareFromHeader(serverHeader);
  if (byHeader) {
    const s = byHeader[key];
    const matches = matchesSetting(key, s, value) !== '';
    const text = s
      ? `the server says it is ${byHeader.name} (Server: ${serverHeader}); its setting is ${s.name}` +
        (matches ? `, whose default ${fmtDefault(key, s)} matches ${valueText}` : ` (default ${fmtDefault(key, s)})`)
      : `the server says it is ${byHeader.name} (Server: ${serverHeader})`;
    return [{ software: byHeader, by: 'header', text }];
  }
  return matchDefault(key, value).map((sw) => {
    const st = sw[key]!;
    const how = matchesSetting(key, st, value);
    const text = how === 'observed'
      ? `${valueText} matches ${sw.name}'s default ${st.name} ${fmtDefault(key, st)} (${st.observedNote ?? `seen as ${st.observedDefault} s`})`
      : `${valueText} matches ${sw.name}'s default ${st.name} ${fmtDefault(key, st)}`;
    return { software: sw, by: 'default' as const, text };
  });
}

/** "gunicorn --keep-alive (keepalive), Node.js http server.keepAliveTimeout" for the guessed software, or a generic list. */
export function settingNames(key: ServerSettingKey | ClientSettingKey, only?: Software[], max = 4): string {
  const list = (only && only.length ? only : SOFTWARE).filter((s) => s[key]).slice(0, max);
  return list.map((s) => `${s.name} ${s[key]!.name}`).join('; ');
}

/** One-line citation of where the guessed software documents the setting. */
export function settingSource(key: ServerSettingKey | ClientSettingKey, sw: Software): string {
  return sw[key]?.source ?? '';
}
