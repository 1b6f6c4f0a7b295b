import { HandoffError, formatPath, type HandoffIssue } from '../errors.js';
import type { HandoffEventConfig, LlmParameter } from '../config/event-schema.js';
import { evaluateTemplate, unresolvedIssue } from '../templates/template.js';
import type { Conversation, JsonValue } from './payload-schema.js';
import { setOwn } from '../set-own.js';

/** A parameters object: names to JSON values. */
export type HandoffParameters = Record<string, JsonValue>;

/** A problem with one LLM parameter; `path` is `['parameters', name]`, relative to the invocation. */
export interface ParameterIssue extends HandoffIssue {
  readonly code: 'missing_parameter' | 'invalid_type' | 'invalid_value' | 'undeclared_parameter' | 'reserved_parameter';
  readonly path: readonly ['parameters', string];
  /** The parameter's declared description, when it is declared: what the model should collect. */
  readonly description?: string;
}

/** A system parameter whose template resolved to nothing; `path` is what it read, relative to the conversation. */
export interface UnresolvedTemplateIssue extends HandoffIssue {
  readonly code: 'unresolved_template' | 'invalid_template';
  /** The system parameter's key. */
  readonly parameter: string;
}

function typeProblem(parameter: LlmParameter, value: JsonValue): Pick<ParameterIssue, 'code' | 'message'> | undefined {
  const ok =
    parameter.type === 'string'
      ? typeof value === 'string'
      : parameter.type === 'number'
        ? typeof value === 'number'
        : parameter.type === 'integer'
          ? Number.isInteger(value)
          : parameter.type === 'boolean'
            ? typeof value === 'boolean'
            : parameter.type === 'array'
              ? Array.isArray(value)
              : typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!ok) {
    const received = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    return { code: 'invalid_type', message: `Expected '${parameter.name}' to be ${article(parameter.type)}, received ${received}` };
  }
  const allowed = parameter.enum;
  if (allowed !== undefined && !allowed.some((option) => option === value)) {
    return {
      code: 'invalid_value',
      message: `Expected '${parameter.name}' to be one of ${allowed.map((o) => JSON.stringify(o)).join(' | ')}, received ${JSON.stringify(value)}`,
    };
  }
  return undefined;
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/**
 * Checks what the model supplied against the declared LLM parameters: every problem at once, so
 * the host can ask the model for all of them. `null` counts as missing; a missing optional parameter
 * is left out. Undeclared parameters are kept or reported per `event.undeclaredParameters`, and one
 * named like a system parameter is always reported, so the model cannot override system values.
 */
export function validateLlmParameters(
  event: HandoffEventConfig,
  supplied: Readonly<HandoffParameters>,
): { readonly parameters: HandoffParameters; readonly issues: readonly ParameterIssue[] } {
  const parameters: HandoffParameters = {};
  const issues: ParameterIssue[] = [];
  for (const parameter of event.llmParameters) {
    const value = Object.hasOwn(supplied, parameter.name) ? supplied[parameter.name] : undefined;
    const path = ['parameters', parameter.name] as const;
    if (value === undefined || value === null) {
      if (parameter.required) {
        issues.push({ code: 'missing_parameter', path, message: `Expected the required parameter '${parameter.name}': ${parameter.description}`, description: parameter.description });
      }
      continue;
    }
    const problem = typeProblem(parameter, value);
    if (problem) issues.push({ ...problem, path, description: parameter.description });
    else setOwn(parameters, parameter.name, value);
  }
  // A linear search: at most 50 declared names, cheaper than building a Map per call.
  for (const name of Object.keys(supplied)) {
    if (event.llmParameters.some((p) => p.name === name)) continue;
    const value = supplied[name] as JsonValue;
    const path = ['parameters', name] as const;
    if (event.systemParameters.some((p) => p.key === name)) {
      issues.push({ code: 'reserved_parameter', path, message: `Expected no LLM parameter named '${name}': it is a system parameter, which the model cannot set` });
    } else if (event.undeclaredParameters === 'reject') {
      issues.push({ code: 'undeclared_parameter', path, message: `Expected only declared parameters, received '${name}' (declare it, or set event.undeclaredParameters to 'keep')` });
    } else {
      setOwn(parameters, name, value);
    }
  }
  return { parameters, issues };
}

/** The error for parameter issues: `MISSING_PARAMETERS` when any is missing, else `INVALID_PARAMETERS`. */
export function parameterError(issues: readonly ParameterIssue[]): HandoffError {
  const missing = issues.filter((i) => i.code === 'missing_parameter').map((i) => i.path[1]);
  const others = issues.length - missing.length;
  const also = others > 0 ? ` Also ${others} other parameter problem(s), listed in issues.` : '';
  if (missing.length > 0) {
    return new HandoffError('MISSING_PARAMETERS', `Missing required parameter(s) ${missing.join(', ')}: collect them and fire the event again.${also}`, issues);
  }
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HandoffError('INVALID_PARAMETERS', `Invalid parameters: ${first?.message ?? ''}${more}.`, issues);
}

/**
 * Resolves the system parameters against the conversation's `memory` and `context` by plain
 * own-property lookup; a value that resolves to nothing follows its `onMissing` policy.
 */
export function resolveSystemParameters(
  event: HandoffEventConfig,
  conversation: Pick<Conversation, 'memory' | 'context'>,
): { readonly parameters: HandoffParameters; readonly issues: readonly UnresolvedTemplateIssue[] } {
  const scope = { memory: conversation.memory ?? {}, context: conversation.context ?? {} };
  const parameters: HandoffParameters = {};
  const issues: UnresolvedTemplateIssue[] = [];
  for (const parameter of event.systemParameters) {
    if (typeof parameter.value !== 'string') {
      setOwn(parameters, parameter.key, parameter.value);
      continue;
    }
    const evaluation = evaluateTemplate(parameter.value, scope);
    if (evaluation.unresolved.length === 0 || parameter.onMissing === 'empty') {
      setOwn(parameters, parameter.key, evaluation.value);
    } else if (parameter.onMissing === 'error') {
      for (const part of evaluation.unresolved) {
        const issue = unresolvedIssue(part);
        issues.push({ ...issue, code: part.type === 'ref' ? 'unresolved_template' : 'invalid_template', parameter: parameter.key, message: `System parameter '${parameter.key}': ${issue.message} in the conversation (or set its onMissing to 'empty' or 'omit')` });
      }
    }
  }
  return { parameters, issues };
}

/** The error for unresolved system parameter templates. */
export function templateError(issues: readonly UnresolvedTemplateIssue[]): HandoffError {
  const keys = [...new Set(issues.map((i) => i.parameter))];
  const paths = issues.map((i) => (i.code === 'unresolved_template' ? formatPath(i.path) : i.message)).join(', ');
  return new HandoffError(
    'TEMPLATE_UNRESOLVED',
    `System parameter(s) ${keys.join(', ')} resolved to nothing: no value at ${paths} in the conversation. Provide the values, or set onMissing to 'empty' or 'omit'.`,
    issues,
  );
}
