import { HandoffError } from '../errors.js';
import { agentsAvailableFact, type AgentAvailabilityQuery } from '../rules/dynamic-facts.js';
import { businessHoursChecker, type BusinessHoursInput } from './business-hours.js';

/** The host function behind the `agentsAvailable` fact: are agents free for this queue or these skills? */
export type AgentsAvailableFunction = (query: AgentAvailabilityQuery) => boolean | PromiseLike<boolean>;

/** Where the router's on-demand facts come from. */
export interface DynamicFactOptions {
  /** The schedule behind `withinBusinessHours`; without it the fact is `undefined` unless the facts give it. */
  readonly businessHours?: BusinessHoursInput;
  /** The host function behind `agentsAvailable`; without it the fact is `undefined` unless the facts give it. */
  readonly agentsAvailable?: AgentsAvailableFunction;
  /** The clock, in milliseconds since the epoch (default `Date.now`); inject it in tests. */
  readonly now?: () => number;
}

/** Validated, ready-to-call sources of the dynamic facts, shared by the fast path and the engine adapter. */
export interface DynamicFactSources {
  readonly withinBusinessHours: (() => boolean) | undefined;
  readonly agentsAvailable: ((query: AgentAvailabilityQuery) => boolean | Promise<boolean>) | undefined;
}

/** Validates the options (business hours → `INVALID_CONFIG`) and wraps the host function's failures. */
export function dynamicFactSources(options: DynamicFactOptions): DynamicFactSources {
  const now = options.now ?? Date.now;
  const isOpen = options.businessHours === undefined ? undefined : businessHoursChecker(options.businessHours);
  const host = options.agentsAvailable;
  return {
    withinBusinessHours: isOpen && (() => isOpen(now())),
    agentsAvailable: host && ((query) => askHost(host, query)),
  };
}

function askHost(host: AgentsAvailableFunction, query: AgentAvailabilityQuery): boolean | Promise<boolean> {
  // Typed as unknown: a host written in JavaScript may return anything.
  let answer: unknown;
  try {
    answer = host(query);
  } catch (cause) {
    throw hostFailed(query, cause);
  }
  if (typeof answer === 'boolean') return answer;
  if (isPromiseLike(answer)) {
    return Promise.resolve(answer).then(
      (value) => checked(query, value),
      (cause: unknown) => {
        throw hostFailed(query, cause);
      },
    );
  }
  return checked(query, answer);
}

function checked(query: AgentAvailabilityQuery, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new HandoffError(
    'ADAPTER_FAILED',
    `The ${agentsAvailableFact} function returned ${value === undefined ? 'undefined' : JSON.stringify(value)} for ${JSON.stringify(query)}: expected true or false.`,
  );
}

function hostFailed(query: AgentAvailabilityQuery, cause: unknown): HandoffError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new HandoffError('ADAPTER_FAILED', `The ${agentsAvailableFact} function failed for ${JSON.stringify(query)}: ${reason}`, [], { cause });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
