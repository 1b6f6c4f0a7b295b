import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/command.js';
import { runCli } from '../src/cli/run-cli.js';
import { handoffConfigJsonSchema } from '../src/config/load-config.js';
import { scenarioJsonSchema } from '../src/scenarios/scenario-schema.js';

function bufferIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (s) => { out += s; },
    stderr: (s) => { err += s; },
    readStdin: () => Promise.resolve(''),
    isTty: false,
    cwd: process.cwd(),
    out: () => out,
    err: () => err,
  };
}

describe('agent-handoff schema', () => {
  it('prints the JSON Schema of the handoff configuration', async () => {
    const io = bufferIo();
    expect(await runCli(['schema'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual(handoffConfigJsonSchema());
    expect(io.err()).toBe('');
  });

  it('prints the JSON Schema of a scenario file with --scenario', async () => {
    const io = bufferIo();
    expect(await runCli(['schema', '--scenario'], io)).toBe(0);
    expect(JSON.parse(io.out())).toEqual(scenarioJsonSchema());
    expect(JSON.parse(io.out())).not.toEqual(handoffConfigJsonSchema());
  });

  it('explains itself with --help', async () => {
    const io = bufferIo();
    expect(await runCli(['schema', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: agent-handoff schema');
    expect(io.out()).toContain('"$schema"');
  });

  it('rejects arguments it does not take with exit code 2', async () => {
    const io = bufferIo();
    expect(await runCli(['schema', '--pretty'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--pretty'");
  });

  it('is listed in the command overview', async () => {
    const io = bufferIo();
    await runCli(['--help'], io);
    expect(io.out()).toMatch(/schema\s+Print the JSON Schema of the handoff configuration/);
  });
});
