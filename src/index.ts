export { HandoffError, formatIssue, formatPath, handoffErrorCodes, isHandoffError } from './errors.js';
export type { HandoffErrorCode, HandoffIssue } from './errors.js';
