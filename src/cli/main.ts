#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { runCli } from './run-cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => text(process.stdin),
  isTty: process.stdout.isTTY,
  cwd: process.cwd(),
});
process.exitCode = code;
