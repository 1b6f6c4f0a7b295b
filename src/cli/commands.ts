import type { CliCommand } from './command.js';
import { demoCommand } from './commands/demo.js';
import { diagramCommand } from './commands/diagram.js';
import { lintCommand } from './commands/lint.js';
import { routeCommand } from './commands/route.js';
import { schemaCommand } from './commands/schema.js';
import { simulateCommand } from './commands/simulate.js';

/** Every sub-command, in the order `agent-handoff --help` lists them. */
export const commands: readonly CliCommand[] = [
  demoCommand,
  simulateCommand,
  routeCommand,
  lintCommand,
  schemaCommand,
  diagramCommand,
];
