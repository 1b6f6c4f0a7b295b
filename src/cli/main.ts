#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { ignoreClosedReader } from './closed-stdout.js';
import { runCli } from './run-cli.js';

// Every command writes through process.stdout, so one handler covers them all. A single write that
// fits the pipe's buffer (schema, diagram) never met a closed reader; demo's many writes did.
ignoreClosedReader(process.stdout);
const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => text(process.stdin),
  isTty: process.stdout.isTTY,
  cwd: process.cwd(),
});
process.exitCode = code;
