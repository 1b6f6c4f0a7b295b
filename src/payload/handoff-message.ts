import type { HandoffConfig } from '../config/config-schema.js';
import { renderTemplate } from '../templates/template.js';
import type { Conversation, HandoffPayload } from './payload-schema.js';

/** What to tell the user when the event fires: instructions for the model, or a rendered text. */
export type HandoffUserMessage =
  | { readonly mode: 'aiGenerated'; readonly instructions: string }
  | { readonly mode: 'custom'; readonly text: string };

/**
 * The message to send the user on handoff, or `undefined` when `event.message` is off; a custom
 * text's `{{memory.…}}`, `{{context.…}}` and `{{parameters.…}}` references render from the
 * conversation and the (masked) payload, and a reference that resolves to nothing renders empty.
 */
export function resolveHandoffMessage(
  config: HandoffConfig,
  conversation: Pick<Conversation, 'memory' | 'context'>,
  payload: Pick<HandoffPayload, 'parameters'>,
): HandoffUserMessage | undefined {
  const setting = config.event.message;
  switch (setting.mode) {
    case 'off':
      return undefined;
    case 'aiGenerated':
      return { mode: 'aiGenerated', instructions: setting.instructions };
    case 'custom': {
      const scope = { memory: conversation.memory ?? {}, context: conversation.context ?? {}, parameters: payload.parameters };
      return { mode: 'custom', text: renderTemplate(setting.text, scope).trim() };
    }
  }
}
