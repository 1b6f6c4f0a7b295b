import { parseArgs } from 'node:util';
import { exitCodes, type CliCommand } from '../command.js';
import { handoffDiagram, handoffDiagramMarkdown } from '../../diagram/handoff-diagram.js';

/** `agent-handoff diagram`: prints the handoff lifecycle as a Mermaid state diagram generated from the machine. */
export const diagramCommand: CliCommand = {
  name: 'diagram',
  summary: 'Print the handoff lifecycle as a Mermaid state diagram',
  help: [
    'Usage: agent-handoff diagram [--markdown]',
    '',
    'Prints the handoff lifecycle as a Mermaid stateDiagram-v2, generated from the XState machine',
    'definition (states, initial and final states, events, timeouts, invoke results, guards).',
    '',
    'Options:',
    '  --markdown   wrap the diagram in a ```mermaid fence, as README.md embeds it',
  ].join('\n'),
  run: (args, io) => {
    const { values } = parseArgs({ args: [...args], options: { markdown: { type: 'boolean', default: false } }, strict: true });
    io.stdout(values.markdown ? handoffDiagramMarkdown() : handoffDiagram());
    return Promise.resolve(exitCodes.ok);
  },
};
