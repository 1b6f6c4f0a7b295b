// `agent-handoff demo | head -1`: once the reader has closed the pipe, it has what it wanted.
/**
 * Keeps a closed reader (EPIPE, and the writes that follow on the destroyed stream) from crashing
 * the process with an unhandled stream error: the rest of the output goes nowhere and the command
 * still ends with its own exit code, so `set -o pipefail` sees a failure as one. Any other write
 * error still crashes.
 */
export function ignoreClosedReader(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
