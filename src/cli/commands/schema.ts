import { parseArgs } from 'node:util';
import { handoffConfigJsonSchema } from '../../config/load-config.js';
import { exitCodes, type CliCommand } from '../command.js';

/** `agent-handoff schema`: prints the JSON Schema of the handoff configuration. */
export const schemaCommand: CliCommand = {
  name: 'schema',
  summary: 'Print the JSON Schema of the handoff configuration',
  help: [
    'Usage: agent-handoff schema',
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
    'Exit codes: 0 ok, 2 invalid arguments.',
  ].join('\n'),
  run: (args, io) => {
    parseArgs({ args: [...args], options: {}, strict: true, allowPositionals: false });
    io.stdout(`${JSON.stringify(handoffConfigJsonSchema(), null, 2)}\n`);
    return Promise.resolve(exitCodes.ok);
  },
};
