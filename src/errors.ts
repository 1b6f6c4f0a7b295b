import type { z } from 'zod';

/** Every error code the library raises; code that handles errors branches on these, never on messages. */
export const handoffErrorCodes = [
  'INVALID_RULES',
  'INVALID_FACTS',
  'INVALID_CONFIG',
  'INVALID_PAYLOAD',
  'INVALID_EVENT',
  'EVENT_ID_REUSED',
  'INVALID_SCENARIO',
  'INVALID_INPUT',
  'PREREQUISITE_FAILED',
  'MISSING_PARAMETERS',
  'INVALID_PARAMETERS',
  'TEMPLATE_UNRESOLVED',
  'PROCESSOR_FAILED',
  'DELIVERY_FAILED',
  'ADAPTER_FAILED',
  'UNKNOWN_CONVERSATION',
  'CONVERSATION_EXISTS',
  'CONVERSATION_ACTIVE',
  'VERSION_CONFLICT',
  'UNSUPPORTED_SNAPSHOT_VERSION',
  'CORRUPT_SNAPSHOT',
  'RUNTIME_CLOSED',
] as const;

/** A stable, machine-readable error code. */
export type HandoffErrorCode = (typeof handoffErrorCodes)[number];

/** One problem found in some input: zod issues fit this shape and are attached unchanged. */
export interface HandoffIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * The one error type of the library: a `code`, the list of `issues` (each with a JSON path), and a
 * message that says what was wrong and what was expected.
 */
export class HandoffError extends Error {
  override readonly name = 'HandoffError';
  readonly code: HandoffErrorCode;
  readonly issues: readonly HandoffIssue[];

  constructor(code: HandoffErrorCode, message: string, issues: readonly HandoffIssue[] = [], options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.issues = issues;
  }

  /** Wraps a zod error, keeping its issues unchanged and summarising them in the message. */
  static fromZod(code: HandoffErrorCode, what: string, error: z.ZodError): HandoffError {
    const issues = error.issues;
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    const detail = first ? `: ${formatIssue(first)}${more}` : '';
    return new HandoffError(code, `Invalid ${what}${detail}`, issues);
  }
}

/** True when `value` is a `HandoffError`, optionally with the given code. */
export function isHandoffError(value: unknown, code?: HandoffErrorCode): value is HandoffError {
  return value instanceof HandoffError && (code === undefined || value.code === code);
}

/** Renders a path as a JSON path: `['rules', 0, 'name']` → `$.rules[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** One issue as a line a user can act on: `$.rules[0].name: Expected a unique rule name`. */
export function formatIssue(issue: HandoffIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}

/** Runs `load`, putting the file's name in front of a `HandoffError` it throws (code and issues kept). */
export function namingFile<T>(file: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof HandoffError) throw new HandoffError(error.code, `${file}: ${error.message}`, error.issues, { cause: error });
    throw error;
  }
}
