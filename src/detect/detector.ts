/**
 * What a detector is: a consumer of connection-layer events that reports findings.
 * Detectors never parse bytes. One file per finding kind in this folder; the list
 * of active detectors is `registry.ts`. To add a kind: write `src/detect/<kind>.ts`
 * exporting a `Detector`, add it to the registry, add a lab capture that proves it.
 */
import type { Flow } from '../conn/flow.js';
import type { Finding } from './finding.js';

/** An ICMP or ICMPv6 error, matched by its quoted header to the flow it concerns. */
export interface IcmpErrorEvent {
  packet: number;
  time: number;
  file: number;
  ipVersion: number;
  /** Sender of the ICMP error (a router or the peer). */
  from: string;
  icmpType: number;
  icmpCode: number;
  /** Next-hop MTU for frag-needed / packet-too-big, else -1. */
  mtu: number;
  /** The quoted connection: "ip:port" of the quoted packet's source and destination. */
  quotedSrc: string;
  quotedDst: string;
  quotedProto: number;
  /** Total length of the quoted datagram (what was too big). */
  quotedLen: number;
  /** Id of the TCP flow the quoted header belongs to (-1 when none tracked). */
  flowId: number;
}

/** One IP datagram that arrived in fragments and was reassembled (or not). */
export interface FragmentedDatagramEvent {
  packet: number;
  time: number;
  file: number;
  ipVersion: number;
  src: string;
  dst: string;
  proto: number;
  fragments: number;
  /** Reassembled datagram size (IP header + payload). */
  size: number;
  /** Id of the TCP flow it carried (-1 when not TCP or not tracked). */
  flowId: number;
}

export interface DetectorContext {
  report(finding: Finding): void;
  /** A one-line run warning (e.g. a detector's memory bound was reached). */
  warn?(message: string): void;
  /** Capture-wide facts detectors may use (e.g. the vantage point). */
  readonly captures: ReadonlyArray<{ path: string; linktypes: number[] }>;
}

export interface Detector {
  /** The finding kind(s) this detector decides. */
  readonly kinds: readonly string[];
  /**
   * Called once per connection when it is finalized (closed and lingered, evicted, or at capture end).
   * The flow, its events and their `http` messages may serve a later connection once the call
   * returns: keep ids and copies (Evidence), never these objects.
   */
  onFlowEnd?(flow: Flow, ctx: DetectorContext): void;
  onIcmpError?(ev: IcmpErrorEvent, ctx: DetectorContext): void;
  onFragmentedDatagram?(ev: FragmentedDatagramEvent, ctx: DetectorContext): void;
  /** Called once after the last flow: aggregate findings (inferred timeouts, request caps, refusal windows). */
  finish?(ctx: DetectorContext): void;
}

/** A detector factory: detectors hold per-run state, so each analysis makes fresh ones. */
export type DetectorFactory = () => Detector;
