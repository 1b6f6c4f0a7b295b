import { describe, expect, it } from 'vitest';
import { loadHandoffConfig } from '../src/config/load-config.js';
import { assertPrerequisites, checkPrerequisites } from '../src/config/prerequisites.js';
import { catchHandoffError } from './support/catch-handoff-error.js';
import { enabledConfigInput, minimalConfigInput } from './support/handoff-config.js';

const ready = () => loadHandoffConfig(enabledConfigInput());

describe('checkPrerequisites', () => {
  it('finds nothing when the apps share a workspace, the channel has a flow, the node is known and the event is enabled', () => {
    expect(checkPrerequisites(ready(), { channel: 'chat' })).toEqual([]);
  });

  it('reports apps in different workspaces', () => {
    const config = ready();
    const mismatched = { ...config, integration: { ...config.integration, agenticApp: { workspace: 'acme-labs' } } };
    expect(checkPrerequisites(mismatched, { channel: 'chat' })).toMatchInlineSnapshot(`
      [
        {
          "agenticWorkspace": "acme-labs",
          "code": "workspace_mismatch",
          "message": "Expected the agentic app and the service app in the same workspace, found 'acme-labs' and 'acme'",
          "path": [
            "integration",
            "serviceApp",
            "workspace",
          ],
          "serviceWorkspace": "acme",
        },
      ]
    `);
  });

  it("reports a channel without a channel flow, and skips the check when no channel is given", () => {
    expect(checkPrerequisites(ready(), { channel: 'whatsapp' })).toMatchInlineSnapshot(`
      [
        {
          "channel": "whatsapp",
          "channelFlows": [
            "chat",
            "voice",
          ],
          "code": "no_channel_flow",
          "message": "Expected a channel flow for the conversation's channel 'whatsapp' in the service app, found 'chat', 'voice'",
          "path": [
            "integration",
            "serviceApp",
            "channelFlows",
          ],
        },
      ]
    `);
    expect(checkPrerequisites(ready())).toEqual([]);
  });

  it("reports an automation node that is not among the service app's nodes", () => {
    const config = loadHandoffConfig(enabledConfigInput({ automationNode: 'Handoff' }));
    expect(checkPrerequisites(config, { channel: 'chat' })).toMatchInlineSnapshot(`
      [
        {
          "automationNode": "Handoff",
          "automationNodes": [
            "LiveAgentHandoff",
          ],
          "code": "unknown_automation_node",
          "message": "Expected the automation node 'Handoff' among the service app's automation nodes, found 'LiveAgentHandoff'",
          "path": [
            "event",
            "automationNode",
          ],
        },
      ]
    `);
  });

  it('reports a disabled event, which is the default', () => {
    expect(checkPrerequisites(loadHandoffConfig(minimalConfigInput()), { channel: 'voice' })).toMatchInlineSnapshot(`
      [
        {
          "code": "event_disabled",
          "message": "Expected the Agent Handoff Event to be enabled: a disabled event is never invoked",
          "path": [
            "event",
            "enabled",
          ],
        },
      ]
    `);
  });

  it('reports every unmet prerequisite at once, in a stable order', () => {
    const config = loadHandoffConfig({
      event: { automationNode: 'Handoff' },
      integration: {
        agenticApp: { workspace: 'lab' },
        serviceApp: { workspace: 'prod', channelFlows: [], automationNodes: [] },
      },
    });
    expect(checkPrerequisites(config, { channel: 'chat' }).map((f) => f.code)).toEqual([
      'workspace_mismatch',
      'no_channel_flow',
      'unknown_automation_node',
      'event_disabled',
    ]);
  });
});

describe('assertPrerequisites', () => {
  it('passes silently when every prerequisite is met', () => {
    expect(() => { assertPrerequisites(ready(), { channel: 'chat' }); }).not.toThrow();
  });

  it('throws PREREQUISITE_FAILED naming each unmet prerequisite, with the findings as issues', () => {
    const config = loadHandoffConfig(minimalConfigInput());
    const error = catchHandoffError(() => { assertPrerequisites(config, { channel: 'sms' }); });
    expect(error.code).toBe('PREREQUISITE_FAILED');
    expect(error.issues).toEqual(checkPrerequisites(config, { channel: 'sms' }));
    expect(error.message).toMatchInlineSnapshot(`"The handoff cannot start: 2 unmet prerequisite(s): no_channel_flow at $.integration.serviceApp.channelFlows; event_disabled at $.event.enabled."`);
  });
});
