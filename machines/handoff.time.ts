// Time without a clock: the machine's `now` comes from the events it receives, and every timeout is
// a deadline in context from which the XState delay is derived, so a restored actor can re-arm it.
import type { Deadlines, HandoffContext, TimerName } from './handoff.types.js';

/** The longest delay a real `setTimeout` accepts: used for timers that are not pending. */
export const NEVER_MS = 2_147_483_647;

/** True when the conversation runs on the voice channel (no idle timeout; it ends on hang-up). */
export function isVoice(context: Pick<HandoffContext, 'conversation'>): boolean {
  return context.conversation.channel === 'voice';
}

/** The backoff before the next delivery attempt: doubles per failed attempt, capped. */
export function backoffMs(context: HandoffContext): number {
  const { initialBackoffMs, maxBackoffMs } = context.settings.delivery;
  const exponent = Math.max(0, (context.handoff?.deliveryAttempts ?? 0) - 1);
  return Math.min(maxBackoffMs, initialBackoffMs * 2 ** exponent);
}

/**
 * The absolute deadline a timer gets when its wait starts at `now`, or `null` when that timer does
 * not apply (chat idle on voice, no callback offer configured, no named agents).
 */
export function deadlineFor(timer: TimerName, context: HandoffContext, now: number): number | null {
  const s = context.settings;
  switch (timer) {
    case 'chatIdle':
      return isVoice(context) ? null : now + s.session.chatIdleTimeoutSeconds * 1000;
    case 'stepTimeout':
      return now + s.steps.timeoutMs;
    case 'ackTimeout':
      return now + s.delivery.ackTimeoutMs;
    case 'retryBackoff':
      return now + backoffMs(context);
    case 'maxQueueWait':
      return now + s.agentTransfer.maxQueueWaitSeconds * 1000;
    case 'queueOffer': {
      const after = s.agentTransfer.waitingExperience.offerAfterSeconds;
      return after === null ? null : now + after * 1000;
    }
    case 'namedAgentWait': {
      // Named agents are waited for from the moment the user joined the queue, across offers.
      const queue = context.queue;
      const target = context.handoff?.decision?.target;
      if (queue?.scope !== 'namedAgents' || target?.type !== 'agentTransfer') return null;
      return queue.enteredAt + target.params.waitForAgentSeconds * 1000;
    }
    case 'periodicMessage':
      return now + s.agentTransfer.waitingExperience.periodicIntervalSeconds * 1000;
    case 'offerTimeout':
      return now + s.agentTransfer.offerTimeoutSeconds * 1000;
    case 'targetTimeout':
      return now + s.target.timeoutSeconds * 1000;
    case 'dialogTimeout':
      return now + s.agentTransfer.afterAgent.dialogTimeoutSeconds * 1000;
  }
}

/** The time an event happened: its `at` when stamped (never before the machine's `now`), else `now`. */
export function eventTime(context: Pick<HandoffContext, 'now'>, event: { readonly type: string }): number {
  const at = (event as { readonly at?: unknown }).at;
  return typeof at === 'number' && Number.isFinite(at) ? Math.max(context.now, at) : context.now;
}

/** The deadlines with `timer` set to `deadline`, or removed when it is `null`. */
export function withDeadline(deadlines: Deadlines, timer: TimerName, deadline: number | null): Deadlines {
  if (deadline === null && deadlines[timer] === undefined) return deadlines;
  const next: Partial<Record<TimerName, number>> = {};
  for (const name in deadlines) {
    const at = deadlines[name as TimerName];
    if (name !== timer && at !== undefined) next[name as TimerName] = at;
  }
  if (deadline !== null) next[timer] = deadline;
  return next;
}

/** The earliest pending deadline, or `null` when nothing is pending. */
export function earliestDeadline(deadlines: Deadlines): { readonly timer: TimerName; readonly at: number } | null {
  const timer = earliestTimer(deadlines);
  return timer === undefined ? null : { timer, at: deadlines[timer] as number };
}

/** The time of the earliest pending deadline, or `null`: `earliestDeadline` without the object, for hot paths. */
export function earliestDeadlineAt(deadlines: Deadlines): number | null {
  const timer = earliestTimer(deadlines);
  return timer === undefined ? null : (deadlines[timer] as number);
}

/** The pending timer that comes due first. A for…in over the few pending: read after every event, so no entries array. */
function earliestTimer(deadlines: Deadlines): TimerName | undefined {
  let timer: TimerName | undefined;
  let at = Number.POSITIVE_INFINITY;
  for (const name in deadlines) {
    const deadline = deadlines[name as TimerName];
    if (deadline !== undefined && deadline < at) {
      timer = name as TimerName;
      at = deadline;
    }
  }
  return timer;
}

/**
 * True when `timer` fires at `at`: its deadline has passed and no other pending deadline is earlier,
 * so a late `clock.tick` replays overdue timeouts in deadline order.
 */
export function isDue(deadlines: Deadlines, timer: TimerName, at: number): boolean {
  const deadline = deadlines[timer];
  if (deadline === undefined || deadline > at) return false;
  return Object.values(deadlines).every((other) => other >= deadline);
}

/** The XState delay of `timer`: what is left until its deadline, or `NEVER_MS` when not pending. */
export function remainingMs(context: HandoffContext, event: { readonly type: string }, timer: TimerName): number {
  const deadline = context.deadlines[timer];
  return deadline === undefined ? NEVER_MS : Math.max(0, deadline - eventTime(context, event));
}
