// What each of the machine's actors does in the runtime: build the payload, deliver it, route it,
// ask and use the live-agent desk, hand over to another target.
import { HandoffError, isHandoffError } from '../errors.js';
import type { RouteResult } from '../../machines/handoff.types.js';
import type { HandoffConfig } from '../config/config-schema.js';
import { buildPayloadFromValidated, type HandoffEventProcessor } from '../payload/build-payload.js';
import type { RouteDecision } from '../routing/target-schema.js';
import type { Router } from '../routing/router.js';
import { deliveryIdempotencyKey, type AutomationNodeAdapter } from './delivery/automation-node.js';
import { enqueueIdempotencyKey, stepIdempotencyKey } from './idempotency-keys.js';
import type { EffectExecutors, SettleEffect } from './effects.js';
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
 * Runs an adapter call and reads its answer with `read`, then settles the step: a synchronous
 * throw, a rejection and an answer `read` cannot take all fail it with a typed error
 * (`asAdapterError`). A synchronous throw settles in a later turn, as a rejection would.
 */
function call<T, R>(operation: string, run: () => T | PromiseLike<T>, read: (answer: T) => R, settle: SettleEffect<R>): void {
  const failed = (error: unknown): void => {
    settle({ ok: false, error: asAdapterError(operation, error) });
  };
  const answered = (answer: T): void => {
    let value: R;
    try {
      value = read(answer);
    } catch (error) {
      failed(error);
      return;
    }
    settle({ ok: true, value });
  };
  try {
    Promise.resolve(run()).then(answered, failed);
  } catch (error) {
    queueMicrotask(() => {
      failed(error);
    });
  }
}

/** Settles a step with how `promise` ends. */
function settleFrom<T>(promise: Promise<T>, settle: SettleEffect<T>): void {
  promise.then(
    (value) => {
      settle({ ok: true, value });
    },
    (error: unknown) => {
      settle({ ok: false, error });
    },
  );
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
    // Its errors are the payload's own (invalid parameters, a processor's failure), not an adapter's.
    buildPayload: (_id, input, _control, settle) => {
      const now = () => new Date(input.firedAt);
      settleFrom(buildPayloadFromValidated(config, input.conversation, input.invocation, deps.processor ? { now, processor: deps.processor } : { now }), settle);
    },

    deliverToAutomationNode: (conversationId, input, control, settle) => {
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
        settle,
      );
    },

    routeHandoff: (_id, input, _control, settle) => {
      call(
        'Routing',
        () =>
          router
            .route(input.payload)
            .then((decision): RouteResult | Promise<RouteResult> => (deps.explain() ? explained(decision, input.payload) : { decision, explanation: null })),
        asIs,
        settle,
      );
    },

    checkBusinessHours: (_id, input, _control, settle) => {
      call('The business-hours check', () => desk.checkBusinessHours({ params: input.target, at: input.at }), (hours) => ({ open: hours.open }), settle);
    },

    checkAgentAvailability: (_id, input, _control, settle) => {
      call('The agent-availability check', () => desk.checkAvailability({ params: input.target, at: input.at }), (availability) => ({ available: availability.available }), settle);
    },

    enqueueForAgent: (conversationId, input, _control, settle) => {
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
        settle,
      );
    },

    cancelQueue: (conversationId, input, _control, settle) => {
      call('Leaving the live-agent queue', () => desk.cancel(conversationId, input.reason), asIs, settle);
    },

    handOverToTarget: (conversationId, input, { signal }, settle) => {
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
        settle,
      );
    },
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
