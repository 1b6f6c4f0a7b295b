// `agent-handoff demo | head -1`: once the reader has closed the pipe, it has what it wanted.
import { exitCodes } from './command.js';

/**
 * Ends the process quietly with exit 0 when `stream`'s reader has gone (EPIPE), as Unix tools end on
 * SIGPIPE, instead of crashing on the unhandled stream error; any other write error still crashes.
 */
export function exitQuietlyWhenReaderCloses(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(exitCodes.ok);
  });
}
