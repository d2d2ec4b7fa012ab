/**
 * Ctrl-C during `analyze` or `scan`: the first one stops reading and reports what was read, as
 * tcpdump and tshark print their counts when interrupted; a second one quits at once (exit 130,
 * the shell's 128 + SIGINT). Without this, `tcpdump -w - | pcap-reset analyze -` ended with
 * Ctrl-C printed nothing at all.
 *
 * With standard input among the inputs, reading goes on for a moment first: Ctrl-C reaches the
 * whole pipeline, and tcpdump writes the packets it still buffers (without -U) as it exits, then
 * closes the pipe, which ends the reading by itself.
 */
export const STDIN_GRACE_MS = 1000;

export interface Interrupt {
  /** Aborted when reading should stop. */
  readonly signal: AbortSignal;
  /** Reading is over: from now on Ctrl-C quits at once. */
  analysisDone(): void;
  /** Remove the handler (the default Ctrl-C behaviour again). */
  dispose(): void;
}

export function onInterrupt(opts: { graceMs: number; say: (line: string) => void; quit: (code: number) => void }): Interrupt {
  const stop = new AbortController();
  let pressed = false;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const handler = () => {
    if (pressed || done) {
      opts.quit(130);
      return;
    }
    pressed = true;
    opts.say('pcap-reset: interrupted: reporting what was read so far (Ctrl-C again to quit now)');
    if (opts.graceMs > 0) timer = setTimeout(() => stop.abort(), opts.graceMs);
    else stop.abort();
  };
  process.on('SIGINT', handler);
  return {
    signal: stop.signal,
    analysisDone() {
      done = true;
      if (timer !== undefined) clearTimeout(timer);
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      process.removeListener('SIGINT', handler);
    },
  };
}
