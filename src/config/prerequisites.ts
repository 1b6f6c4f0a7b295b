import { HandoffError, formatPath, type HandoffIssue } from '../errors.js';
import type { HandoffConfig } from './config-schema.js';

/** The codes of the product's prerequisites, in the order they are checked. */
export const prerequisiteCodes = ['workspace_mismatch', 'no_channel_flow', 'unknown_automation_node', 'event_disabled'] as const;
/** One prerequisite code. */
export type PrerequisiteCode = (typeof prerequisiteCodes)[number];

/** One unmet prerequisite: an issue (code, config path, message) with the facts that explain it. */
export type PrerequisiteFinding = HandoffIssue &
  (
    | { readonly code: 'workspace_mismatch'; readonly agenticWorkspace: string; readonly serviceWorkspace: string }
    | { readonly code: 'no_channel_flow'; readonly channel: string; readonly channelFlows: readonly string[] }
    | { readonly code: 'unknown_automation_node'; readonly automationNode: string; readonly automationNodes: readonly string[] }
    | { readonly code: 'event_disabled' }
  );

/** What the prerequisites are checked for. */
export interface PrerequisiteContext {
  /** The conversation's channel; without it the channel flow is not checked. */
  readonly channel?: string;
}

const list = (names: readonly string[]): string => (names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', '));

/**
 * Every unmet prerequisite of a handoff, in a stable order; an empty list means the handoff may go ahead.
 * @example
 * const findings = checkPrerequisites(config, { channel: 'chat' });
 * if (findings.length > 0) showToOperator(findings.map((f) => f.message));
 */
export function checkPrerequisites(config: HandoffConfig, context: PrerequisiteContext = {}): PrerequisiteFinding[] {
  const findings: PrerequisiteFinding[] = [];
  const { agenticApp, serviceApp } = config.integration;
  if (agenticApp.workspace !== serviceApp.workspace) {
    findings.push({
      code: 'workspace_mismatch',
      path: ['integration', 'serviceApp', 'workspace'],
      message: `Expected the agentic app and the service app in the same workspace, found '${agenticApp.workspace}' and '${serviceApp.workspace}'`,
      agenticWorkspace: agenticApp.workspace,
      serviceWorkspace: serviceApp.workspace,
    });
  }
  if (context.channel !== undefined && !serviceApp.channelFlows.includes(context.channel)) {
    findings.push({
      code: 'no_channel_flow',
      path: ['integration', 'serviceApp', 'channelFlows'],
      message: `Expected a channel flow for the conversation's channel '${context.channel}' in the service app, found ${list(serviceApp.channelFlows)}`,
      channel: context.channel,
      channelFlows: serviceApp.channelFlows,
    });
  }
  if (!serviceApp.automationNodes.includes(config.event.automationNode)) {
    findings.push({
      code: 'unknown_automation_node',
      path: ['event', 'automationNode'],
      message: `Expected the automation node '${config.event.automationNode}' among the service app's automation nodes, found ${list(serviceApp.automationNodes)}`,
      automationNode: config.event.automationNode,
      automationNodes: serviceApp.automationNodes,
    });
  }
  if (!config.event.enabled) {
    findings.push({
      code: 'event_disabled',
      path: ['event', 'enabled'],
      message: 'Expected the Agent Handoff Event to be enabled: a disabled event is never invoked',
    });
  }
  return findings;
}

/**
 * Throws when any prerequisite is unmet, so a handoff never proceeds past one.
 * @throws HandoffError with code `PREREQUISITE_FAILED`; its issues are the findings, each named in the message.
 */
export function assertPrerequisites(config: HandoffConfig, context: PrerequisiteContext = {}): void {
  const findings = checkPrerequisites(config, context);
  if (findings.length === 0) return;
  const names = findings.map((f) => `${f.code} at ${formatPath(f.path)}`).join('; ');
  throw new HandoffError('PREREQUISITE_FAILED', `The handoff cannot start: ${findings.length} unmet prerequisite(s): ${names}.`, findings);
}
