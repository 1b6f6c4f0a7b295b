import type { HandoffPayload } from '../../src/payload/payload-schema.js';

/** A valid handoff payload for live-agent desk tests, whose content the desk does not read. */
export const deskPayload: HandoffPayload = {
  automationNode: 'LiveAgentHandoff',
  sessionId: 's-1',
  userId: 'u-1',
  channel: 'chat',
  language: 'en',
  reason: 'user_requested',
  parameters: {},
  firedAt: '2026-03-02T10:00:00.000Z',
  context: { steps: { LiveAgentHandoff: {} } },
};
