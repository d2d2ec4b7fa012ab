#!/usr/bin/env node
/**
 * pcap-reset: which TCP connections broke, who broke them, why, and the fix.
 * Commands live in src/cli/; this file only assembles them and maps failures to
 * exit codes (0 clean, 1 findings, 2 bad usage or input, 3 internal error).
 */
import { Command, CommanderError } from 'commander';
import { analyzeCommand } from './cli/analyze-command.js';
import { EXIT } from './cli/exit-codes.js';
import { VERSION } from './version.js';
import { extraCommands } from './cli/extra-commands.js';

const program = new Command('pcap-reset')
  .description(
    'Read a packet capture, rebuild every TCP connection and explain the resets:\n' +
      'keep-alive idle races, request caps, timeouts, refusals, middleboxes, MTU problems.',
  )
  .version(VERSION)
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .addCommand(analyzeCommand());
for (const c of await extraCommands()) program.addCommand(c);
program.addHelpText(
  'after',
  `
Examples:
  $ pcap-reset analyze capture.pcap
  $ pcap-reset analyze capture.pcap --html report.html
  $ tcpdump -i any -U -w - port 8080 | pcap-reset analyze -
  $ pcap-reset scan /var/captures/ --jobs 4 --html index.html`,
);

// A closed stdout (`pcap-reset ... | head`) is not an error. Any other failure to write it (a
// full disk under `--json > out.json`) is: the output is lost, so say so and exit 2.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`pcap-reset: cannot write standard output: ${e.code ?? e.message}\n`);
  process.exit(EXIT.OUTPUT);
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    // --help and --version exit 0; usage errors were already printed by commander.
    process.exitCode = e.exitCode === 0 ? 0 : EXIT.USAGE;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`pcap-reset: internal error: ${msg.split('\n')[0]}\n`);
    if (process.env['PCAP_RESET_DEBUG']) process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = EXIT.INTERNAL;
  }
}
