/**
 * The archive-wide aggregate: per server across every file (every idle-close-race
 * toward it, the idle timeout inferred from all of them, first and last seen).
 * Built only from FileRecords, so `scan` and `merge` of shard outputs give the same
 * answer: only integer sums, minima, maxima and medians of sorted lists (no float
 * sums, no dependence on the order of the records).
 */
import type { AggregateRecord, AggregateServer, FileRecord, SkippedRecord } from './types.js';

export const EXIT_SCAN = { CLEAN: 0, FINDINGS: 1, FAILED: 2 } as const;

function median(sorted: number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 1000) / 1000;
}

function minNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}
function maxNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** Exit status of a scan: 2 when any file failed, else 1 with error/warning findings, else 0. */
export function scanExitCode(files: FileRecord[], usageProblems = 0): number {
  if (usageProblems > 0 || files.some((f) => f.error !== null)) return EXIT_SCAN.FAILED;
  if (files.some((f) => f.severity === 'error' || f.severity === 'warning')) return EXIT_SCAN.FINDINGS;
  return EXIT_SCAN.CLEAN;
}

export function aggregate(files: FileRecord[], skipped: SkippedRecord[], usageProblems = 0): AggregateRecord {
  const byKind: Record<string, number> = {};
  const servers = new Map<string, AggregateServer & { _idle: number[]; _timeouts: number[] }>();
  const groups = new Set<string>();
  let packets = 0, bytes = 0, flows = 0, findings = 0, failed = 0, clean = 0, withFindings = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const f of files) {
    packets += f.packets;
    bytes += f.bytes;
    flows += f.flows;
    findings += f.findings;
    if (f.error !== null) failed++;
    if (f.findings > 0) withFindings++;
    else if (f.error === null) clean++;
    if (f.group?.joined) groups.add(f.group.id);
    first = minNull(first, f.first);
    last = maxNull(last, f.last);
    for (const [k, n] of Object.entries(f.findings_by_kind)) byKind[k] = (byKind[k] ?? 0) + n;
    for (const p of f.servers) {
      let s = servers.get(p.server);
      if (!s) {
        s = {
          server: p.server, flows: 0, failed: 0, requests: 0, files: 0, findings: 0, findings_by_kind: {},
          first_seen: null, last_seen: null, kinds: {}, idle_close_race: null, _idle: [], _timeouts: [],
        };
        servers.set(p.server, s);
      }
      s.files++;
      s.flows += p.flows;
      s.failed += p.failed;
      s.requests += p.requests;
      for (const [kind, k] of Object.entries(p.kinds)) {
        const a = (s.kinds[kind] ??= { count: 0, first: k.first, last: k.last });
        a.count += k.count;
        a.first = Math.min(a.first, k.first);
        a.last = Math.max(a.last, k.last);
        s.findings += k.count;
        s.findings_by_kind[kind] = (s.findings_by_kind[kind] ?? 0) + k.count;
        s.first_seen = minNull(s.first_seen, k.first);
        s.last_seen = maxNull(s.last_seen, k.last);
      }
      s._idle.push(...p.idle_s);
      s._timeouts.push(...p.idle_timeout_s);
    }
  }
  const out: AggregateServer[] = [];
  for (const s of servers.values()) {
    const { _idle, _timeouts, ...rest } = s;
    const race = s.kinds['idle-close-race'];
    if (race) {
      _idle.sort((a, b) => a - b);
      _timeouts.sort((a, b) => a - b);
      let timeout: number | null = null;
      let basis = 'no idle times in the findings';
      if (_timeouts.length) {
        timeout = median(_timeouts);
        basis = `median of the timeouts inferred in ${_timeouts.length} race(s)`;
      } else if (_idle.length) {
        // The server closed every raced connection after at most this long idle.
        timeout = _idle[0]!;
        basis = `shortest idle gap among ${_idle.length} raced connection(s) (an upper bound)`;
      }
      rest.idle_close_race = {
        count: race.count, first_seen: race.first, last_seen: race.last,
        idle_s: _idle.length ? { min: _idle[0]!, median: median(_idle), max: _idle[_idle.length - 1]! } : null,
        server_idle_timeout_s: timeout, basis,
      };
    }
    // Stable key order for comparisons.
    rest.kinds = Object.fromEntries(Object.entries(rest.kinds).sort(([a], [b]) => (a < b ? -1 : 1)));
    rest.findings_by_kind = Object.fromEntries(Object.entries(rest.findings_by_kind).sort(([a], [b]) => (a < b ? -1 : 1)));
    out.push(rest);
  }
  out.sort((a, b) => b.findings - a.findings || b.failed - a.failed || b.flows - a.flows || (a.server < b.server ? -1 : a.server > b.server ? 1 : 0));
  return {
    type: 'aggregate',
    files: files.length,
    failed,
    skipped: skipped.length,
    clean,
    with_findings: withFindings,
    groups_joined: groups.size,
    packets,
    bytes,
    flows,
    findings,
    findings_by_kind: Object.fromEntries(Object.entries(byKind).sort(([a], [b]) => (a < b ? -1 : 1))),
    first,
    last,
    servers: out,
    exit_code: scanExitCode(files, usageProblems),
  };
}
