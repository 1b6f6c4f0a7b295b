// The machine says which message the user gets; this renders it: the handoff message from the event
// config, the waiting experience and fallbacks from their templates with the queue values.
import type { HandoffContext, UserMessage } from '../../machines/handoff.types.js';
import type { HandoffConfig } from '../config/config-schema.js';
import { resolveHandoffMessage } from '../payload/handoff-message.js';
import { renderTemplate } from '../templates/template.js';
import type { UserMessageOut } from './notifications.js';

/** An estimated wait in words: `45 seconds`, `4 minutes` (rounded up), `1 minute`. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/**
 * The message to hand to the host, or `undefined` when there is nothing to say (the handoff message
 * is off). `{{queue.position}}`, `{{queue.waitTime}}` and `{{queue.offer}}` render from the values
 * the machine passed; a value it did not know renders empty.
 */
export function renderUserMessage(config: HandoffConfig, context: HandoffContext, message: UserMessage): UserMessageOut | undefined {
  if (message.kind === 'handoff') {
    const payload = context.handoff?.payload;
    if (!payload) return undefined;
    const resolved = resolveHandoffMessage(config, context.conversation, payload);
    if (!resolved) return undefined;
    return resolved.mode === 'custom' ? { kind: 'handoff', text: resolved.text } : { kind: 'handoff', instructions: resolved.instructions };
  }
  const values = message.values ?? {};
  const queue: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith('queue.')) continue;
    const name = key.slice('queue.'.length);
    queue[name] = name === 'waitTime' && typeof value === 'number' ? formatWait(value) : value;
  }
  return { kind: message.kind, text: renderTemplate(message.text ?? '', { queue }).trim() };
}
