/**
 * What the result covers, when that is not simply "every packet of every capture, once".
 * A clean verdict ("no broken connections") speaks only for the packets that were read: the
 * reports say so when a capture stopped early (damage, Ctrl-C), and say "nothing analyzed"
 * instead of a green check when nothing could be read at all. Connections found in two files
 * (one traffic captured at two points) are counted twice: the reports say that too.
 */
import type { AnalysisResult } from '../analyze/result.js';
import { nothingRead, nothingToDiagnose } from '../analyze/verdict.js';

export interface Coverage {
  /** Not one packet was read from any capture, and at least one failed (analyze/verdict.ts nothingRead). */
  nothingRead: boolean;
  /** Packets were read, none of them TCP, nothing found: the verdict says so, and what to capture next (nothingToDiagnose). */
  nothingToDiagnose: boolean;
  /**
   * The headline: captures not read to their end, connections in two files, an interrupted read
   * ('' when the result covers every packet of every capture once). When nothingRead, it takes
   * the verdict's place.
   */
  line: string;
  /** `line` as said under a verdict: '' when there is none to say or when it is the verdict itself (nothingRead). */
  caveat: string;
}

export function coverageOf(r: AnalysisResult): Coverage {
  const failed = r.captures.filter((c) => c.error !== undefined).length;
  const none = nothingRead(r.captures);
  const all = r.captures.length;
  const which = all === 1 ? 'the capture' : `${failed} of ${all} captures`;
  let line = failed === 0 ? ''
    : none ? `Nothing analyzed: ${which} could not be read (the error is under Capture).`
    : `${which[0]!.toUpperCase()}${which.slice(1)} could not be read to the end: what follows covers only the packets read.`;
  if (r.seenTwice) {
    const twice = `${r.seenTwice} connection${r.seenTwice === 1 ? ' is' : 's are'} in more than one file (the same traffic captured twice?): the counts include each copy.`;
    line = line === '' ? twice : `${line} ${twice}`;
  }
  if (r.interrupted) {
    line = line === '' ? 'Interrupted (Ctrl-C): what follows covers only the packets read before it.'
      : `${line} Reading was interrupted (Ctrl-C).`;
  }
  return { nothingRead: none, nothingToDiagnose: nothingToDiagnose(r), line, caveat: none ? '' : line };
}
