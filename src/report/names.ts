/** How reports name packets and captures. */
import { locatePacket } from '../analyze/packet-base.js';

/** Several files in one run: packets are then shown as "file:packet" (see pktRef). */
export function severalFiles(captures: readonly unknown[]): boolean {
  return captures.length > 1;
}

/**
 * A packet number as the reader finds it in Wireshark, which numbers each file from 1: with
 * several files in one run, "file:packet" (2:18 is packet 18 of the second file listed under
 * Capture); with one file, the bare number.
 */
export function pktRef(packet: number, file: number | undefined, multi: boolean): string {
  return multi ? `${(file ?? 0) + 1}:${packet}` : String(packet);
}

/** A connection summary's first and last packet, as shown (it may end in a later file). */
export function flowPacketRange(f: { first_packet: number; last_packet: number; file?: number; last_file?: number }, multi: boolean): [first: string, last: string] {
  return [pktRef(f.first_packet, f.file, multi), pktRef(f.last_packet, f.last_file ?? f.file, multi)];
}

export const PKT_REF_NOTE = 'packets are numbered per file, as in Wireshark: 2:18 is packet 18 of file 2';

/** A capture's name as reports show it: standard input ('-' on the command line) is "stdin". */
export function captureName(path: string): string {
  return path === '-' ? 'stdin' : path;
}

/** How the packets of a drawn connection (its events' numbers) are shown and matched to evidence. */
export interface PacketNumbers {
  /** Several files in the run: shown as "file:packet". */
  multi: boolean;
  /** Joined rotated pieces: the events number packets on across the files (result.packetBase). */
  base?: readonly number[];
}

export const ONE_FILE: PacketNumbers = { multi: false };

/** The numbering of `r`'s drawings. */
export function packetNumbersOf(r: { captures: readonly unknown[]; packetBase?: readonly number[] }): PacketNumbers {
  return { multi: severalFiles(r.captures), ...(r.packetBase ? { base: r.packetBase } : {}) };
}

/** An event's packet number `p`, of a connection that started in file `flowFile`: its file and per-file number. */
export function eventPacket(p: number, flowFile: number, n: PacketNumbers): [file: number, packet: number] {
  return n.base ? locatePacket(n.base, p) : [flowFile, p];
}

/** The same, as shown. */
export function eventPktRef(p: number, flowFile: number, n: PacketNumbers): string {
  const [file, packet] = eventPacket(p, flowFile, n);
  return pktRef(packet, file, n.multi);
}

/** An evidence packet (per file) in the numbering of the connection's events; undefined when in another file. */
export function evidenceInEvents(e: { packet: number; file?: number }, flowFile: number, n: PacketNumbers): number | undefined {
  if (n.base) return (n.base[e.file ?? 0] ?? 0) + e.packet;
  return (e.file ?? 0) === flowFile ? e.packet : undefined;
}
