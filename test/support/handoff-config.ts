import type { HandoffConfigInput } from '../../src/config/config-schema.js';

/** The smallest valid config: an automation node and an integration whose prerequisites are met. */
export function minimalConfigInput(): HandoffConfigInput {
  return {
    event: { automationNode: 'LiveAgentHandoff' },
    integration: {
      agenticApp: { workspace: 'acme' },
      serviceApp: { workspace: 'acme', channelFlows: ['chat', 'voice'], automationNodes: ['LiveAgentHandoff'] },
    },
  };
}

/** The minimal config with the event enabled and the given event fields. */
export function enabledConfigInput(event: Partial<HandoffConfigInput['event']> = {}): HandoffConfigInput {
  const base = minimalConfigInput();
  return { ...base, event: { ...base.event, enabled: true, ...event } };
}
