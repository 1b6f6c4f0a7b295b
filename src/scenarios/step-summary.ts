// One line for a scenario step and for a lifecycle notification, as the timeline shows them.
import type { HandoffNotification } from '../runtime/notifications.js';
import type { Target } from '../routing/target-schema.js';
import type { ScenarioStep } from './scenario-schema.js';

const quote = (text: string): string => JSON.stringify(text.length > 100 ? `${text.slice(0, 97)}...` : text);

/** A step as a short phrase: `user says "…"`, `clock +60 s`, `desk: ana accepts`. */
export function describeStep(step: ScenarioStep): string {
  switch (step.type) {
    case 'handoff.invoke':
      return `the AI fires the handoff event (${step.reason}) with ${JSON.stringify(step.parameters)}`;
    case 'user.message':
      return `the user says ${quote(step.text)}`;
    case 'user.cancel':
      return 'the user cancels';
    case 'user.left':
      return step.how === 'hangup' ? 'the user hangs up' : 'the user leaves the chat';
    case 'user.acceptOffer':
      return 'the user accepts the callback or voicemail offer';
    case 'clock.advance':
      return `the clock moves ${formatSeconds(step.seconds)} forward`;
    case 'desk.offer':
      return step.agentId === undefined ? 'the desk offers the conversation to the best free agent' : `the desk offers the conversation to ${step.agentId}`;
    case 'desk.accept':
      return 'the offered agent accepts';
    case 'desk.reject':
      return `the offered agent declines${step.reason === undefined ? '' : ` (${step.reason})`}`;
    case 'desk.message':
      return `the agent writes ${quote(step.text)}`;
    case 'desk.endChat':
      return `the agent ends the chat${step.returnReason === undefined ? '' : ` (${step.returnReason})`}`;
    case 'desk.setAvailability':
      return `${step.agentId} goes ${step.available ? 'on line' : 'off line'}`;
    case 'expect':
      return 'expect';
    default:
      return `the host sends ${JSON.stringify(step)}`;
  }
}

/** `90 s`, `5 min`, `1 h 30 min`. */
function formatSeconds(seconds: number): string {
  if (seconds < 60 || seconds % 60 !== 0) return `${seconds} s`;
  const minutes = seconds / 60;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** A target as a short phrase: `agentTransfer queue "billing" (skills refunds, priority 3)`. */
export function describeTarget(target: Target | null): string {
  if (target === null) return 'no target';
  switch (target.type) {
    case 'agentTransfer': {
      const p = target.params;
      const extra = [p.skills ? `skills ${p.skills.join(', ')}` : '', p.agents ? `agents ${p.agents.join(', ')}` : '', `priority ${p.priority}`].filter(Boolean);
      return `live agent, queue ${JSON.stringify(p.queue)} (${extra.join(', ')})`;
    }
    case 'agent':
      return `agent ${JSON.stringify(target.params.agent)}`;
    case 'workflow':
      return `workflow ${JSON.stringify(target.params.workflow)}`;
  }
}

/** A notification (other than routing and messages) as a short phrase. */
export function noticeSummary(n: HandoffNotification): string {
  switch (n.type) {
    case 'handoffRequested':
      return `handoff requested${n.reason ? ` (${n.reason})` : ''}`;
    case 'delegated':
      return 'the automation node has the payload';
    case 'queued': {
      const where = n.scope === 'namedAgents' ? 'for the named agents' : 'in the queue';
      const position = n.position === null ? '' : ` at position ${n.position}`;
      const wait = n.estimatedWaitSeconds === null ? '' : `, estimated wait ${formatSeconds(n.estimatedWaitSeconds)}`;
      return `waiting ${where}${position}${wait}`;
    }
    case 'escalatedToQueue':
      return 'the named agents did not answer: waiting in the whole queue';
    case 'agentOffered':
      return `offered to ${n.agentId ?? 'an agent'}`;
    case 'offerExpired':
      return 'the offer expired: back to waiting';
    case 'agentConnected':
      return `${n.agentId ?? 'an agent'} is connected`;
    case 'handedOver':
      return `handed over to ${describeTarget(n.target)}`;
    case 'postAgentDialog':
      return `post-agent dialog ${n.dialog ?? ''}`.trim();
    case 'handoffCancelled':
      return 'handoff cancelled';
    case 'deliveryRetry':
      return `delivery retry ${n.attempt}${n.failure ? ` after ${n.failure.code}` : ''}`;
    case 'aiSessionTerminated':
      return 'the AI session is terminated';
    case 'failed':
      return `failed${n.failure ? ` at ${n.failure.stage}: ${n.failure.code} ${n.failure.message}` : ''}`;
    case 'returnedToAi':
      return `back to the AI${n.returned ? ` (${n.returned.reason}${n.returned.agentReason ? `, ${n.returned.agentReason}` : ''})` : ''}`;
    case 'ended':
      return `conversation ended${n.ended ? ` (${n.ended.reason}${n.ended.detail ? `, ${n.ended.detail}` : ''})` : ''}`;
    case 'ignored':
      return n.ignored ? `ignored ${n.ignored.event} (${n.ignored.reason}): ${n.ignored.message}` : 'an event was ignored';
    case 'adapterFailed':
      return `${n.operation} failed: ${n.code} ${n.message}`;
    case 'routed':
      return 'routed';
    case 'userMessage':
      return 'message to the user';
  }
}
