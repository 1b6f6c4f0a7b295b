import { HandoffError } from '../../src/errors.js';

/** Runs `run` and returns the HandoffError it throws; fails the test when it throws nothing or something else. */
export function catchHandoffError(run: () => unknown): HandoffError {
  try {
    run();
  } catch (error) {
    if (error instanceof HandoffError) return error;
    throw error;
  }
  throw new Error('Expected a HandoffError, but nothing was thrown');
}

/** Awaits `promise` and returns the HandoffError it rejects with. */
export async function rejectedHandoffError(promise: Promise<unknown>): Promise<HandoffError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HandoffError) return error;
    throw error;
  }
  throw new Error('Expected a HandoffError, but the promise resolved');
}

/** The shape an error is pinned by in inline snapshots: code, message, issues with readable paths. */
export function errorShape(error: HandoffError): { code: string; message: string; issues: { code: string; path: string; message: string }[] } {
  return {
    code: error.code,
    message: error.message,
    issues: error.issues.map((issue) => ({ code: issue.code, path: issue.path.map(String).join('.'), message: issue.message })),
  };
}
