import { parseArgs } from 'node:util';
import { handoffConfigJsonSchema } from '../../config/load-config.js';
import { scenarioJsonSchema } from '../../scenarios/scenario-schema.js';
import { exitCodes, type CliCommand } from '../command.js';

/** `agent-handoff schema`: prints the JSON Schema of the handoff configuration, or of a scenario file. */
export const schemaCommand: CliCommand = {
  name: 'schema',
  summary: 'Print the JSON Schema of the handoff configuration (--scenario: of a scenario file)',
  help: [
    'Usage: agent-handoff schema [--scenario]',
    '',
    'Prints the JSON Schema (draft 2020-12) of the handoff configuration file to standard output,',
    'so editors can validate and complete it:',
    '',
    '  agent-handoff schema > handoff.schema.json',
    '',
    'then start the config file with  "$schema": "./handoff.schema.json".',
    'Load-time checks that JSON Schema cannot express (unique parameter names, template roots,',
    'safe masking patterns) run when the config is loaded.',
    '',
    'Options:',
    '  --scenario   print the JSON Schema of a scenario file (agent-handoff simulate) instead',
    '',
    'Exit codes: 0 ok, 2 invalid arguments.',
  ].join('\n'),
  run: (args, io) => {
    const { values } = parseArgs({ args: [...args], options: { scenario: { type: 'boolean' } }, strict: true, allowPositionals: false });
    const schema = values.scenario === true ? scenarioJsonSchema() : handoffConfigJsonSchema();
    io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
    return Promise.resolve(exitCodes.ok);
  },
};
