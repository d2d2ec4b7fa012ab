/**
 * The pipeline: reader → decode → connections → detectors, in one streaming pass
 * per file. Detector instances are shared by all files of a run, so aggregate
 * findings (an inferred idle timeout) see every connection toward a server.
 */
import { readCapture } from '../reader/read.js';
import type { Frame } from '../reader/frame.js';
import { Decoder } from '../decode/decoder.js';
import { L4, newPacket, formatAddr, formatEndpoint } from '../decode/packet.js';
import { FlowTable } from '../conn/flow-table.js';
import type { Flow } from '../conn/flow.js';
import type { Detector, DetectorContext, DetectorFactory } from '../detect/detector.js';
import type { Finding } from '../detect/finding.js';
import { DETECTORS } from '../detect/registry.js';
import type { AnalysisResult, CaptureSummary, FlowSummary } from './result.js';
import { FlowList, isInteresting } from './flow-summary.js';
import { buildSummary, newFlowTally, tallyFlow } from './summary.js';
import { defaultMaxFlows } from './limits.js';
import { nothingRead, nothingReadVerdict, nothingToDiagnose, nothingToDiagnoseVerdict, pickVerdict } from './verdict.js';
import { sortFindings } from './sort-findings.js';
import { locatePacket } from './packet-base.js';
import { continuesAfter, firstTime } from './rotation.js';
import { VERSION } from '../version.js';

export interface AnalyzeInput {
  /** A path, or '-' for stdin. */
  path: string;
  /** Name used in messages (defaults to the path; 'stdin' for '-'). */
  name?: string;
  /** Read from this stream instead of opening `path`. */
  stream?: NodeJS.ReadableStream;
  /** Time of its first packet when already known (rotation.ts inTimeOrder), for join 'auto'. */
  first?: number;
  /** With join 'auto': a capture of its own, whatever its times (not a piece of the files before it). */
  newCapture?: boolean;
}

export interface AnalyzeOptions {
  /** Stop after this many packets per file. */
  maxPackets?: number;
  /** Only packets with start <= time < end (seconds since epoch) are analyzed. */
  timeStart?: number;
  timeEnd?: number;
  /** Open connections tracked at most (flood protection; default from the heap limit, see limits.ts). */
  maxFlows?: number;
  /** Connections a closed flow waits for late packets, in capture seconds. */
  lingerS?: number;
  detectors?: DetectorFactory[];
  /** Keep every flow's summary in `flows` (default true); false keeps only the broken ones. */
  allFlows?: boolean;
  /** Connection models kept for drawing (default 1000). */
  maxTimelines?: number;
  /**
   * Connection summaries kept in `flows` at most (default 100 000): a flood of millions of
   * connections must not exhaust memory. The `summary` counts (states, busiest servers) still
   * include the connections left out, and a warning says how many were.
   */
  maxFlowList?: number;
  /** Findings kept per kind (default 10 000); the summary counts all of them. */
  maxFindingsPerKind?: number;
  /**
   * Aborted: stop reading (Ctrl-C). The packets read so far are analyzed and reported as usual;
   * the capture cut short gets a warning, and the files after it are not read.
   */
  signal?: AbortSignal;
  /** Progress: file index, bytes read so far in that file. */
  onProgress?: (file: number, bytes: number) => void;
  /**
   * The inputs are consecutive pieces of one capture (tcpdump -C/-G rotation), in order:
   * one decoder and one connection table across them, so a connection crossing a file
   * boundary stays one flow. Packet numbers in evidence and flows stay per file, as
   * Wireshark numbers them, with `file` (flows: also `last_file`) naming the piece.
   * (Timelines' events number packets on across the files.)
   * 'auto': the same, except where a file's first packet does not follow on from the files
   * before it in time (see analyze/rotation.ts `continuesAfter`): a new connection table starts
   * there, as for files analyzed apart. Decided before each file is read (its first record),
   * so named-like-rotated captures taken side by side are read once, not once joined and again apart.
   */
  join?: boolean | 'auto';
  /**
   * With join 'auto', for a caller that wants each run of pieces apart (the scan's reports):
   * stop before the first file that does not follow on, instead of starting a new table there.
   * The result covers the files read (`captures.length` of them). `after`: the last packet time
   * of the pieces analyzed before these, which the rule also looks at.
   */
  untilBreak?: { after?: number };
}

const RETAIN_CAP = 5000;
export const FLOW_LIST_CAP = 100_000;
/** Findings kept per kind; more are counted in summary.findings_by_kind and named in a warning. */
export const FINDINGS_PER_KIND_CAP = 10_000;
/** Flow ids of one (aggregate) finding whose models are kept for drawing. */
const REFERENCED_PER_FINDING = 1000;

export async function analyze(inputs: AnalyzeInput[], opts: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const detectors: Detector[] = (opts.detectors ?? DETECTORS).map((make) => make());
  const captures: CaptureSummary[] = [];
  // Compact while reading (typed-array columns); the FlowSummary objects are made at the end.
  const listCap = opts.maxFlowList ?? FLOW_LIST_CAP;
  const flowList = new FlowList(listCap);
  const findings: Finding[] = [];
  const retained = new Map<number, Flow>();
  let retainOrder: number[] = [];
  let retainHead = 0;
  const referenced = new Set<number>();
  const runWarnings: string[] = [];
  let tcpPackets = 0;
  let nextFlowId = 0;
  let interrupted = false;
  /** Packets inside the time range, decoded (every packet read, without a range): the decoders' frame counts. */
  let analyzedPackets = 0;
  /** Index of the first file of the capture being read, when several are given (AnalyzeInput.newCapture). */
  let captureFrom = 0;
  /** The connection table each file read went to (0, 1, ...): files joined into one share it. */
  const tableOfFile: number[] = [];
  let tables = 0;

  // Findings kept per kind (a flood of broken connections must not exhaust memory); the rest are counted.
  const findingCap = opts.maxFindingsPerKind ?? FINDINGS_PER_KIND_CAP;
  const perKind = new Map<string, number>();
  const ctx: DetectorContext = {
    report(f: Finding) {
      const n = (perKind.get(f.kind) ?? 0) + 1;
      perKind.set(f.kind, n);
      if (n > findingCap) return;
      findings.push(f);
      if (f.flow.id !== undefined) referenced.add(f.flow.id);
      if (f.flows) for (let i = 0; i < f.flows.length && i < REFERENCED_PER_FINDING; i++) referenced.add(f.flows[i]!);
    },
    warn(message: string) {
      if (!runWarnings.includes(message)) runWarnings.push(message);
    },
    captures,
  };

  const keepAll = opts.allFlows ?? true;
  const unlisted = newFlowTally();
  const onFlowEnd = (flow: Flow) => {
    const interesting = isInteresting(flow);
    if (keepAll || interesting) {
      if (flowList.length < listCap) flowList.add(flow);
      else tallyFlow(unlisted, flow.state, flow.server, flow.requests);
    }
    for (const d of detectors) d.onFlowEnd?.(flow, ctx);
    if (interesting || referenced.has(flow.id)) {
      retained.set(flow.id, flow);
      retainOrder.push(flow.id);
      if (retained.size > RETAIN_CAP) {
        // Drop the oldest connection no finding points at; when the first few all are
        // (a flood of broken connections), drop the oldest anyway: bounded time and memory.
        // (An id queue, not retained.keys(): a Map iterated from its start after many
        // deletions walks their holes, which made floods quadratic.)
        while (retainHead < retainOrder.length && !retained.has(retainOrder[retainHead]!)) retainHead++;
        let victim = -1;
        for (let i = retainHead, looked = 0; i < retainOrder.length && looked < 64; i++) {
          const id = retainOrder[i]!;
          if (!retained.has(id)) continue;
          looked++;
          if (victim < 0) victim = id;
          if (!referenced.has(id)) { victim = id; break; }
        }
        retained.delete(victim);
        if (retainOrder.length - retainHead > 4 * RETAIN_CAP) {
          retainOrder = retainOrder.slice(retainHead).filter((id) => retained.has(id));
          retainHead = 0;
        }
      }
      return false;
    }
    // Not kept for timelines (detectors keep ids and copies, never the Flow or its events): the table may reuse them.
    return true;
  };

  /** The connections of one capture (or of joined pieces) are all seen: finalize the rest, count. */
  const endTable = (decoder: Decoder, table: FlowTable) => {
    table.finish();
    analyzedPackets += decoder.stats.frames;
    nextFlowId += table.flowsCreated;
    tcpPackets += table.tcpPackets;
  };
  let joined: { decoder: Decoder; table: FlowTable } | undefined;
  const packetBase: number[] = [];
  let packetsBefore = 0;
  for (let fileIndex = 0; fileIndex < inputs.length; fileIndex++) {
    const input = inputs[fileIndex]!;
    const name = nameOf(input);
    // (The times of a piece are checked against the pieces of its own capture only, by name.)
    const newCapture = input.newCapture === true;
    if (newCapture) captureFrom = fileIndex;
    if (joined && opts.join === 'auto' && (newCapture || (!input.stream && input.path !== '-' &&
        !continuesAfter(captures.slice(captureFrom), input.first ?? await firstTime(input.path), opts.untilBreak?.after)))) {
      // Not the next piece of the same capture: the table so far ends here (and a new one starts).
      const unfinished = joined.decoder.pendingDatagrams;
      endTable(joined.decoder, joined.table);
      if (unfinished > 0) captures[fileIndex - 1]!.warnings.push(unfinishedWarning(nameOf(inputs[fileIndex - 1]!), unfinished));
      joined = undefined;
      if (opts.untilBreak) break;
    }
    const { decoder, table } = joined ?? {
      decoder: new Decoder(),
      table: new FlowTable({
        onFlowEnd,
        onWarning: (m) => runWarnings.push(`${name}: ${m}`),
        maxFlows: opts.maxFlows ?? defaultMaxFlows(),
        lingerS: opts.lingerS,
        firstId: nextFlowId,
        file: fileIndex,
      }),
    };
    if (!joined) tables++;
    tableOfFile.push(tables - 1);
    if (opts.join) joined = { decoder, table };
    const base = opts.join ? packetsBefore : 0;
    let lastNumber = 0;
    const pkt = newPacket();
    const tStart = opts.timeStart ?? -Infinity;
    const tEnd = opts.timeEnd ?? Infinity;
    let pastEnd = false;

    const sink = (frame: Frame) => {
      lastNumber = frame.number;
      if (frame.time < tStart) return;
      if (frame.time >= tEnd) { pastEnd = true; return; }
      decoder.decode(frame, pkt);
      if (base) pkt.number += base;
      // (A TCP header whose length runs past the IP payload still belongs to its connection,
      // as in tshark's tcp.stream: see FlowTable.addTcpHeaderOnly.)
      if (pkt.l4 === L4.TCP || (pkt.l4 === L4.None && pkt.tcpHeaderLen >= 20)) {
        const id = pkt.l4 === L4.TCP ? table.addTcp(pkt) : table.addTcpHeaderOnly(pkt);
        if (pkt.reassembled) emitFragment(fileIndex, id);
      } else if ((pkt.l4 === L4.ICMP || pkt.l4 === L4.ICMPv6) && pkt.quoted.ipVersion !== 0) {
        emitIcmp(fileIndex, table);
      } else if (pkt.reassembled) {
        emitFragment(fileIndex, -1);
      }
    };

    const emitFragment = (file: number, flowId: number) => {
      const ev = {
        packet: pkt.number, time: pkt.time, file, ipVersion: pkt.ipVersion,
        src: formatAddr(pkt.ipVersion, pkt.src), dst: formatAddr(pkt.ipVersion, pkt.dst),
        proto: pkt.proto, fragments: pkt.fragmentCount, size: pkt.reassembledLen, flowId,
      };
      for (const d of detectors) d.onFragmentedDatagram?.(ev, ctx);
    };
    const emitIcmp = (file: number, t: FlowTable) => {
      const q = pkt.quoted;
      const flowId = q.proto === 6 ? t.lookupId(q.ipVersion, q.src, q.srcPort, q.dst, q.dstPort) : -1;
      const ev = {
        packet: pkt.number, time: pkt.time, file, ipVersion: pkt.ipVersion,
        from: formatAddr(pkt.ipVersion, pkt.src), icmpType: pkt.icmpType, icmpCode: pkt.icmpCode, mtu: pkt.icmpMtu,
        quotedSrc: formatEndpoint(q.ipVersion, q.src, q.srcPort), quotedDst: formatEndpoint(q.ipVersion, q.dst, q.dstPort),
        quotedProto: q.proto, quotedLen: q.ipTotalLen, flowId,
      };
      for (const d of detectors) d.onIcmpError?.(ev, ctx);
    };

    const info = await readCapture(input.stream ?? input.path, name, sink, {
      maxPackets: opts.maxPackets,
      shouldStop: () => pastEnd,
      signal: opts.signal,
      onProgress: opts.onProgress ? (b) => opts.onProgress!(fileIndex, b) : undefined,
    });
    packetBase.push(base);
    packetsBefore += Math.max(lastNumber, info.packets);
    const stopHere = opts.signal?.aborted === true && fileIndex < inputs.length - 1;
    const lastFile = fileIndex === inputs.length - 1 || stopHere;
    if (!opts.join || lastFile) endTable(decoder, table);
    // Every warning names its file, like the error line ("cap.pcap: offset 910: ...").
    const warnings = [...info.warnings, ...decoder.drainWarnings()].map((w) => `${name}: ${w}`);
    if (info.interrupted) {
      interrupted = true;
      warnings.push(`${name}: interrupted at offset ${info.bytes} after ${info.packets} packets: the rest of the input was not read`);
    }
    const unfinished = decoder.pendingDatagrams;
    if (unfinished > 0 && (!opts.join || lastFile)) warnings.push(unfinishedWarning(name, unfinished));
    captures.push({
      path: info.path || name, format: info.format, gzip: info.gzip, linktypes: info.linktypes,
      packets: info.packets, bytes: info.bytes, first: info.first, last: info.last, warnings,
      ...(info.error ? { error: info.error } : {}),
    });
    if (stopHere) {
      interrupted = true;
      const rest = inputs.slice(fileIndex + 1).map(nameOf);
      runWarnings.push(`interrupted: ${rest.length} more file${rest.length === 1 ? '' : 's'} not read: ${rest.slice(0, 5).join(', ')}${rest.length > 5 ? ', …' : ''}`);
      break;
    }
  }

  // Several files read as one capture (rotated pieces): one decoder and connection table across them.
  const joinedRun = Boolean(opts.join) && captures.length > 1;
  for (const d of detectors) d.finish?.(ctx);
  const flows: FlowSummary[] = flowList.toSummaries();
  for (const [kind, n] of perKind) {
    if (n > findingCap) runWarnings.push(`${n - findingCap} more ${kind} findings not listed (the first ${findingCap} are; summary.findings_by_kind counts all ${n})`);
  }
  if (unlisted.count > 0) {
    runWarnings.push(`${unlisted.count} connections not listed in flows (the list keeps the first ${listCap}; the summary counts all of them)`);
  }
  if (joinedRun) localizePackets(findings, flows, packetBase);
  let twice = 0;
  // (Several connection tables: files analyzed apart, or pieces that did not follow on.)
  if (tables > 1) {
    twice = seenInTwoFiles(flows, tableOfFile);
    if (twice > 0) {
      runWarnings.push(`${twice} connection${twice === 1 ? '' : 's'} appear${twice === 1 ? 's' : ''} in more than one file (same addresses and ports, starting within ${SAME_START_S} s): the files look like captures of the same traffic at different points, and every count includes each copy; analyze them one at a time to compare the vantage points`);
    }
  }
  sortFindings(findings);
  flows.sort((a, b) => a.id - b.id);

  const timelines = new Map<number, Flow>();
  const cap = opts.maxTimelines ?? 1000;
  for (const f of findings) {
    if (timelines.size >= cap) break;
    for (const id of [f.flow.id, ...(f.flows ?? [])]) {
      if (id === undefined || timelines.size >= cap) continue;
      const flow = retained.get(id);
      if (flow) timelines.set(id, flow);
    }
  }
  const summary = buildSummary(captures, flows, findings, tcpPackets, nextFlowId, runWarnings, unlisted, perKind);
  const result: AnalysisResult = {
    tool: { name: 'pcap-reset', version: VERSION },
    captures,
    flows,
    findings,
    summary,
    verdict: nothingRead(captures) ? nothingReadVerdict()
      : nothingToDiagnose({ captures, findings, summary }) ? nothingToDiagnoseVerdict(summary.packets, analyzedPackets)
      : pickVerdict(findings),
    timelines,
    ...(interrupted ? { interrupted: true as const } : {}),
    ...(joinedRun ? { packetBase } : {}),
    ...(twice > 0 ? { seenTwice: twice } : {}),
  };
  return result;
}

function unfinishedWarning(name: string, n: number): string {
  return `${name}: ${n} IP datagram${n === 1 ? '' : 's'} never completed: fragments missing at the end of the capture, not reassembled`;
}

/** The name messages give an input: its own, or the path ('stdin' for '-'). */
function nameOf(input: AnalyzeInput): string {
  return input.name ?? (input.path === '-' ? 'stdin' : input.path);
}

/** Two captures of one connection (two hosts, clocks apart by at most this much) start this close. */
const SAME_START_S = 2;

/**
 * Connections listed in one file that another file of the run also holds: same client and
 * server address and port, starting within SAME_START_S (a connection captured at two points).
 */
function seenInTwoFiles(flows: FlowSummary[], tableOfFile: readonly number[]): number {
  const byTuple = new Map<string, Array<{ table: number; start: number }>>();
  let n = 0;
  for (const f of flows) {
    const key = `${f.client}|${f.server}`;
    const seen = byTuple.get(key);
    // Compared by connection table, not by file: in pieces joined into one table, two flows on
    // one 4-tuple are two connections (the port reused), never one connection seen twice.
    const table = tableOfFile[f.file ?? 0] ?? 0;
    if (seen === undefined) byTuple.set(key, [{ table, start: f.start }]);
    else {
      if (seen.some((x) => x.table !== table && Math.abs(x.start - f.start) <= SAME_START_S)) n++;
      seen.push({ table, start: f.start });
    }
  }
  return n;
}

/** Join mode: packet numbers ran on across the files; give them back per file, as Wireshark numbers them. */
function localizePackets(findings: Finding[], flows: FlowSummary[], base: number[]): void {
  const locate = (n: number) => locatePacket(base, n);
  for (const f of findings) {
    for (const e of f.evidence) {
      if (!(e.packet > 0)) continue;
      const [file, packet] = locate(e.packet);
      e.packet = packet;
      if (file) e.file = file;
      else delete e.file;
    }
  }
  for (const s of flows) {
    const [file, first] = locate(s.first_packet);
    const [lastFile, last] = locate(s.last_packet);
    s.first_packet = first;
    s.last_packet = last;
    if (file) s.file = file;
    else delete s.file;
    if (lastFile !== file) s.last_file = lastFile;
  }
}
