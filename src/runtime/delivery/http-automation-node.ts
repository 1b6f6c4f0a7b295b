import { setTimeout as delay } from 'node:timers/promises';
import { HandoffError, type HandoffIssue } from '../../errors.js';
import type { JsonValue } from '../json-value.js';
import type { AutomationNodeAdapter, DeliveryReceipt, DeliveryRequest } from './automation-node.js';
import { backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff.js';

/** Options of `createHttpAutomationNode`; the defaults match the lifecycle settings' `delivery` defaults. */
export interface HttpAutomationNodeOptions {
  /** The automation node's endpoint; the payload is POSTed here as JSON. */
  readonly url: string | URL;
  /** Extra headers on every request, such as authorization. */
  readonly headers?: Readonly<Record<string, string>>;
  /** How long one attempt may take, response body included (default 10 000). */
  readonly timeoutMs?: number;
  /** Attempts after the first on a transient failure (default 2, so 3 attempts). */
  readonly retries?: number;
  /** Backoff between attempts (default 1 000 ms doubling up to 30 000 ms), with full jitter. */
  readonly backoff?: BackoffOptions;
  /** The random source of the jitter, a number in [0, 1] (default `Math.random`); tests pass a constant. */
  readonly jitter?: () => number;
  /** Waits between attempts (default a timer); tests pass one that records and returns at once. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The fetch implementation (default the global `fetch`). */
  readonly fetch?: typeof globalThis.fetch;
}

/** The outcome of one attempt. */
type Attempt =
  | { readonly kind: 'delivered'; readonly status: number; readonly response: JsonValue | undefined }
  | { readonly kind: 'retry' | 'fail'; readonly issue: HandoffIssue; readonly retryAfterMs?: number };

// 501 and 505 say the server will never accept this request: retrying cannot help.
const permanentServerErrors = new Set([501, 505]);

/**
 * Creates the HTTP automation-node adapter: POSTs the payload as JSON with an `Idempotency-Key`
 * header, one timeout per attempt, and retries with exponential backoff and full jitter on
 * transient failures — 5xx (but 501, 505), 408, 429 (honouring `Retry-After` up to
 * `backoff.maxMs`), timeouts and dropped connections. Other statuses (4xx, 3xx: redirects are
 * not followed) fail at once. Failure is `HandoffError('DELIVERY_FAILED')` naming the attempts
 * and the last status, with one issue per attempt.
 *
 * @example
 * const automationNode = createHttpAutomationNode({ url: 'https://service.example/handoff', timeoutMs: 5000, retries: 2 });
 * await automationNode.deliver({ conversationId, sequence: 1, idempotencyKey: deliveryIdempotencyKey(conversationId, 1), payload });
 */
export function createHttpAutomationNode(options: HttpAutomationNodeOptions): AutomationNodeAdapter {
  const settings = checkOptions(options);
  const { url, timeoutMs, retries, backoff } = settings;
  const jitter = options.jitter ?? Math.random;
  const sleep = options.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, { signal }));
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const where = `${url.origin}${url.pathname}`;

  const attempt = async (request: DeliveryRequest, key: string, body: string): Promise<Attempt> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    let status: number | undefined;
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: requestHeaders(settings.headers, key),
        body,
        signal,
        redirect: 'manual',
      });
      status = response.status;
      const text = await response.text();
      if (status >= 200 && status < 300) return { kind: 'delivered', status, response: readBody(text, response.headers.get('content-type')) };
      const issue = { code: `http_${status}`, path: [], message: `HTTP ${status}${excerpt(text)}` };
      if (status === 408 || status === 429 || (status >= 500 && !permanentServerErrors.has(status))) {
        return { kind: 'retry', issue, retryAfterMs: parseRetryAfter(response.headers.get('retry-after')) };
      }
      const why = status >= 300 && status < 400 ? ' (redirects are not followed; configure the final URL)' : '';
      return { kind: 'fail', issue: { ...issue, message: `${issue.message}${why}` } };
    } catch (error) {
      if (request.signal?.aborted) return { kind: 'fail', issue: { code: 'aborted', path: [], message: 'aborted by the caller' } };
      const after = status === undefined ? '' : ` after HTTP ${status}`;
      if (timeout.aborted) return { kind: 'retry', issue: { code: 'timeout', path: [], message: `timed out after ${timeoutMs} ms${after}` } };
      return { kind: 'retry', issue: { code: 'network', path: [], message: `connection failed${after}: ${networkDetail(error)}` } };
    }
  };

  return {
    async deliver(request: DeliveryRequest): Promise<DeliveryReceipt> {
      const key = idempotencyHeaderValue(request.idempotencyKey);
      const body = JSON.stringify(request.payload);
      const issues: HandoffIssue[] = [];
      const fail = (attempts: number, reason: string): HandoffError =>
        new HandoffError(
          'DELIVERY_FAILED',
          `Delivery of handoff ${key} to ${where} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`,
          issues,
        );

      for (let number = 1; ; number++) {
        const outcome = await attempt(request, key, body);
        if (outcome.kind === 'delivered') {
          // 202 Accepted: the node took the payload and acknowledges later (an `automation.ack` event).
          return { attempts: number, acknowledged: outcome.status !== 202, status: outcome.status, response: outcome.response };
        }
        issues.push({ ...outcome.issue, path: ['attempts', number - 1] });
        const last = `last ${outcome.issue.message}`;
        if (outcome.kind === 'fail') throw fail(number, `${last}, which is not retried`);
        if (number > retries) throw fail(number, last);
        let wait = backoffDelay(number, backoff, jitter);
        if (outcome.retryAfterMs !== undefined) {
          if (outcome.retryAfterMs > backoff.maxMs) {
            throw fail(number, `${last} with Retry-After ${outcome.retryAfterMs} ms, beyond backoff.maxMs ${backoff.maxMs} ms`);
          }
          wait = Math.max(wait, outcome.retryAfterMs);
        }
        try {
          await sleep(wait, request.signal);
        } catch {
          throw fail(number, `${last}; aborted by the caller while waiting to retry`);
        }
        if (request.signal?.aborted) throw fail(number, `${last}; aborted by the caller while waiting to retry`);
      }
    },
  };
}

function checkOptions(options: HttpAutomationNodeOptions): {
  url: URL;
  headers: Record<string, string>;
  timeoutMs: number;
  retries: number;
  backoff: BackoffOptions;
} {
  const invalid = (path: string, message: string) =>
    new HandoffError('INVALID_CONFIG', `Invalid HTTP automation node option ${path}: ${message}`, [{ code: 'invalid_option', path: [path], message }]);
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw invalid('url', `expected an absolute http(s) URL, got ${JSON.stringify(String(options.url))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('url', `expected http: or https:, got ${url.protocol}`);
  const headers = { ...options.headers };
  try {
    new Headers(headers);
  } catch (error) {
    throw invalid('headers', error instanceof Error ? error.message : String(error));
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 2;
  const backoff = options.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw invalid('timeoutMs', `expected an integer >= 1, got ${timeoutMs}`);
  if (!Number.isSafeInteger(retries) || retries < 0) throw invalid('retries', `expected an integer >= 0, got ${retries}`);
  if (!(backoff.initialMs >= 0 && backoff.maxMs >= backoff.initialMs)) {
    throw invalid('backoff', `expected 0 <= initialMs <= maxMs, got ${backoff.initialMs} and ${backoff.maxMs}`);
  }
  return { url, headers, timeoutMs, retries, backoff };
}

/** The key as a header value: unchanged when it is visible ASCII, else percent-encoded (the same on every attempt). */
export function idempotencyHeaderValue(key: string): string {
  if (key === '') throw new HandoffError('INVALID_INPUT', 'Expected a non-empty idempotency key; use deliveryIdempotencyKey()');
  return /^[\x21-\x7e]+$/.test(key) ? key : encodeURIComponent(key);
}

function requestHeaders(extra: Readonly<Record<string, string>>, idempotencyKey: string): Headers {
  // set() replaces case-insensitively, so a host header can never double the key or the type.
  const headers = new Headers(extra);
  headers.set('content-type', 'application/json');
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  headers.set('idempotency-key', idempotencyKey);
  return headers;
}

function readBody(text: string, contentType: string | null): JsonValue | undefined {
  if (text === '') return undefined;
  if (!contentType?.includes('json')) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '';
  return `: ${line.length > 120 ? `${line.slice(0, 117)}...` : line}`;
}

function networkDetail(error: unknown): string {
  // fetch reports network failures as TypeError('fetch failed') with the socket error as cause.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  const message = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return code ? `${message} (${code})` : message;
}
