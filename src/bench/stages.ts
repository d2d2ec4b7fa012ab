/**
 * pcap-reset's first stages on their own (benchmark floor, not part of the analyzer): what
 * any analysis of a file costs before a connection is tracked. The bench (run.ts) times
 * them like the other tools and table.ts compares each target's time budget with them.
 *
 *   node dist/bench/stages.js read FILE     the project's reader (reader/read.ts), an empty sink
 *   node dist/bench/stages.js decode FILE   the reader and the decoder (decode/decoder.ts) on
 *                                           every frame: link, IP, TCP, no connections
 *
 * Prints one JSON line of counts. The wall time the bench measures includes starting
 * node and loading these modules (not the CLI's: see `start` in run.ts).
 */
import { readCapture } from '../reader/read.js';
import type { FrameSink } from '../reader/frame.js';
import { Decoder } from '../decode/decoder.js';
import { L4, newPacket } from '../decode/packet.js';

export type Stage = 'read' | 'decode';

export interface StageResult {
  stage: Stage;
  packets: number;
  /** TCP packets decoded (0 for the read stage). */
  tcp: number;
  /** In-process time, start-up excluded (for a run by hand; the bench times the whole process). */
  ms: number;
}

export async function runStage(stage: Stage, path: string): Promise<StageResult> {
  const t0 = performance.now();
  let tcp = 0;
  let sink: FrameSink = () => {};
  if (stage === 'decode') {
    const decoder = new Decoder();
    const pkt = newPacket();
    sink = (frame) => {
      decoder.decode(frame, pkt);
      if (pkt.l4 === L4.TCP) tcp++;
    };
  }
  const info = await readCapture(path, path, sink);
  if (info.error) throw new Error(info.error);
  return { stage, packets: info.packets, tcp, ms: performance.now() - t0 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stage, file] = process.argv.slice(2);
  if ((stage !== 'read' && stage !== 'decode') || !file) {
    process.stderr.write('usage: stages.js read|decode FILE\n');
    process.exit(2);
  }
  runStage(stage, file).then(
    (r) => process.stdout.write(JSON.stringify(r) + '\n'),
    (e: unknown) => {
      process.stderr.write(`stages: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
