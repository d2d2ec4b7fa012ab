/** Minimal typings for the `pcap-parser` dev dependency (CommonJS, untyped), as used by the oracle test. */
declare module 'pcap-parser' {
  import type { EventEmitter } from 'node:events';

  export interface PacketHeader {
    timestampSeconds: number;
    timestampMicroseconds: number;
    capturedLength: number;
    originalLength: number;
  }

  export interface Packet {
    header: PacketHeader;
    data: Buffer;
  }

  export interface Parser extends EventEmitter {
    on(event: 'packet', listener: (packet: Packet) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'end', listener: () => void): this;
    on(event: string, listener: (...args: any[]) => void): this;
  }

  const pcapp: { parse(input: string | NodeJS.ReadableStream): Parser };
  export default pcapp;
}
