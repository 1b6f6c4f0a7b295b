// What each of the machine's actors does in the runtime: build the payload, deliver it, route it,
// ask and use the live-agent desk, hand over to another target.
import { HandoffError, isHandoffError } from '../errors.js';
import type { RouteResult } from '../../machines/handoff.types.js';
import type { HandoffConfig } from '../config/config-schema.js';
import { buildHandoffPayload, type HandoffEventProcessor } from '../payload/build-payload.js';
import type { RouteDecision } from '../routing/target-schema.js';
import type { Router } from '../routing/router.js';
import { deliveryIdempotencyKey, type AutomationNodeAdapter } from './delivery/automation-node.js';
import { enqueueIdempotencyKey, stepIdempotencyKey } from './idempotency-keys.js';
import type { EffectExecutors } from './effects.js';
import type { LiveAgentDesk, QueuePlacement } from './live-agents/live-agent-desk.js';
import type { HandOverRequest, RuntimeLogger } from './runtime-options.js';

/** What the effects run against. */
export interface EffectDependencies {
  readonly config: HandoffConfig;
  readonly router: Router;
  /** Whether to keep the router's explanation beside this decision (asked at each routing). */
  readonly explain: () => boolean;
  readonly automationNode: AutomationNodeAdapter;
  readonly desk: LiveAgentDesk;
  readonly handOver: ((request: HandOverRequest) => Promise<unknown>) | undefined;
  readonly processor: HandoffEventProcessor | undefined;
  readonly logger: RuntimeLogger | undefined;
}

/** Any adapter failure as a `HandoffError`: its own when it is one, `ADAPTER_FAILED` with the cause otherwise. */
export function asAdapterError(operation: string, error: unknown): HandoffError {
  if (isHandoffError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new HandoffError('ADAPTER_FAILED', `${operation} failed: ${reason}`, [], { cause: error });
}

/**
 * Runs an adapter call and reads its answer with `read`, in one step: a synchronous throw, a
 * rejection and an answer `read` cannot take all reject with a typed error (`asAdapterError`).
 * Not an async function: each step saves the promises an async wrapper and a second `then` cost.
 */
function call<T, R>(operation: string, run: () => T | PromiseLike<T>, read: (answer: T) => R): Promise<R> {
  const typed = (error: unknown): never => {
    throw asAdapterError(operation, error);
  };
  const readTyped = (answer: T): R => {
    try {
      return read(answer);
    } catch (error) {
      return typed(error);
    }
  };
  try {
    return Promise.resolve(run()).then(readTyped, typed);
  } catch (error) {
    return Promise.reject(asAdapterError(operation, error));
  }
}

/** The answer as it is, for steps that hand the adapter's answer on unread. */
const asIs = <T>(answer: T): T => answer;

/** The runtime's implementation of every actor of the handoff machine. */
export function createEffectExecutors(deps: EffectDependencies): EffectExecutors {
  const { config, router, desk } = deps;

  /**
   * The decision with its explanation, which only a listener reads. Best effort: were its failure the
   * step's, a conversation would route or fail depending on who listens (the explanation runs the
   * dynamic facts again, and a host's fact can fail the second time).
   */
  const explained = (decision: RouteDecision, payload: unknown): Promise<RouteResult> =>
    router.explain(payload).then(
      (explanation) => ({ decision, explanation }),
      (error: unknown) => {
        deps.logger?.warn?.('The routing decision could not be explained: the routed notification carries none', { rule: decision.rule, error });
        return { decision, explanation: null };
      },
    );

  return {
    buildPayload: (_id, input) =>
      buildHandoffPayload(config, input.conversation, input.invocation, {
        now: () => new Date(input.firedAt),
        ...(deps.processor ? { processor: deps.processor } : {}),
      }),

    deliverToAutomationNode: (conversationId, input, control) =>
      call(
        'Delivery to the automation node',
        () =>
          deps.automationNode.deliver({
            conversationId,
            sequence: input.sequence,
            idempotencyKey: deliveryIdempotencyKey(conversationId, input.sequence),
            payload: input.payload,
            // Made on first read: the in-process node never reads it, and a signal costs an AbortController.
            get signal() {
              return control.signal;
            },
          }),
        (receipt) => ({ acknowledged: receipt.acknowledged }),
      ),

    routeHandoff: (_id, input) =>
      call(
        'Routing',
        () =>
          router
            .route(input.payload)
            .then((decision): RouteResult | Promise<RouteResult> => (deps.explain() ? explained(decision, input.payload) : { decision, explanation: null })),
        asIs,
      ),

    checkBusinessHours: (_id, input) =>
      call('The business-hours check', () => desk.checkBusinessHours({ params: input.target, at: input.at }), (hours) => ({ open: hours.open })),

    checkAgentAvailability: (_id, input) =>
      call('The agent-availability check', () => desk.checkAvailability({ params: input.target, at: input.at }), (availability) => ({ available: availability.available })),

    enqueueForAgent: (conversationId, input) =>
      call(
        'Queueing for a live agent',
        () =>
          desk.enqueue({
            conversationId,
            params: input.target,
            scope: input.scope,
            payload: input.payload,
            transcript: input.transcript,
            sequence: input.sequence,
            idempotencyKey: enqueueIdempotencyKey(conversationId, input.sequence, input.scope),
          }),
        checkedPlacement,
      ),

    cancelQueue: (conversationId, input) => call('Leaving the live-agent queue', () => desk.cancel(conversationId, input.reason), asIs),

    handOverToTarget: (conversationId, input, { signal }) =>
      call(
        'The hand-over',
        () =>
          deps.handOver?.({
            conversationId,
            target: input.target,
            payload: input.payload,
            decision: input.decision,
            transcript: input.transcript,
            sequence: input.sequence,
            idempotencyKey: stepIdempotencyKey(conversationId, input.sequence, 'handover'),
            signal,
          }),
        asIs,
      ),
  };
}

/** The desk's answer to `enqueue`, checked: it goes into the conversation's state, which must stay JSON. */
function checkedPlacement(placement: QueuePlacement): QueuePlacement {
  const { position, estimatedWaitSeconds } = placement;
  if (!Number.isSafeInteger(position) || position < 0 || typeof estimatedWaitSeconds !== 'number' || !Number.isFinite(estimatedWaitSeconds) || estimatedWaitSeconds < 0) {
    throw new HandoffError(
      'ADAPTER_FAILED',
      `The desk answered enqueue with position ${String(position)} and estimatedWaitSeconds ${String(estimatedWaitSeconds)}; expected a whole number >= 0 and a number of seconds >= 0`,
    );
  }
  return { position, estimatedWaitSeconds };
}
