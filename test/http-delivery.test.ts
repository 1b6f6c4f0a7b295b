// The HTTP automation-node adapter against a real node:http server on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HandoffError, isHandoffError } from '../src/errors.js';
import { deliveryIdempotencyKey, type DeliveryRequest } from '../src/runtime/delivery/automation-node.js';
import { backoffDelay, parseRetryAfter } from '../src/runtime/delivery/backoff.js';
import { createHttpAutomationNode, type HttpAutomationNodeOptions } from '../src/runtime/delivery/http-automation-node.js';
import type { HandoffPayload } from '../src/payload/payload-schema.js';

type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

interface Received {
  readonly idempotencyKey: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: string;
}

const ok: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: true }));
};
const status =
  (code: number, headers: Record<string, string> = {}): Behaviour =>
  (_req, res) => {
    res.writeHead(code, headers).end(`status ${code}`);
  };
const drop: Behaviour = (req) => {
  req.socket.destroy();
};

let server: Server;
let url: string;
let script: Behaviour[];
let received: Received[];
const pendingTimers = new Set<NodeJS.Timeout>();

const slow =
  (ms: number): Behaviour =>
  (_req, res) => {
    const timer = setTimeout(() => {
      pendingTimers.delete(timer);
      if (!res.destroyed) ok(_req, res);
    }, ms);
    pendingTimers.add(timer);
  };

beforeEach(async () => {
  script = [];
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
        contentType: req.headers['content-type'],
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      (script.shift() ?? ok)(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/handoff`;
});

afterEach(async () => {
  for (const timer of pendingTimers) clearTimeout(timer);
  pendingTimers.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => { resolve(); }));
});

const payload: HandoffPayload = {
  automationNode: 'agentTransfer',
  sessionId: 's-1',
  userId: 'u-1',
  channel: 'chat',
  language: 'en',
  reason: 'user_requested',
  parameters: { summary: 'Wants a refund ✓' },
  firedAt: '2026-01-01T10:00:00.000Z',
  context: { steps: { agentTransfer: { summary: 'Wants a refund ✓' } } },
};

const request = (conversationId = 'conv:1', sequence = 1): DeliveryRequest => ({
  conversationId,
  sequence,
  idempotencyKey: deliveryIdempotencyKey(conversationId, sequence),
  payload,
});

function node(overrides: Partial<HttpAutomationNodeOptions> = {}) {
  const sleeps: number[] = [];
  const adapter = createHttpAutomationNode({
    url,
    timeoutMs: 2000,
    retries: 2,
    backoff: { initialMs: 100, maxMs: 1000 },
    jitter: () => 1,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { adapter, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<HandoffError> {
  const error: unknown = await promise.then(
    () => new Error('expected the delivery to fail'),
    (e: unknown) => e,
  );
  if (!(error instanceof HandoffError)) throw error;
  return error;
}

describe('HTTP automation node', () => {
  it('POSTs the payload as JSON with the idempotency key and returns the receipt', async () => {
    const { adapter } = node({ headers: { Authorization: 'Bearer t0k3n', 'Idempotency-Key': 'ignored' } });
    expect(await adapter.deliver(request())).toEqual({ attempts: 1, acknowledged: true, status: 200, response: { accepted: true } });
    expect(received).toEqual([{ idempotencyKey: 'conv%3A1:1', contentType: 'application/json', authorization: 'Bearer t0k3n', body: JSON.stringify(payload) }]);
  });

  it('retries a 500 and delivers on the second attempt with the same idempotency key', async () => {
    script = [status(500), ok];
    const { adapter, sleeps } = node();
    expect(await adapter.deliver(request())).toMatchObject({ attempts: 2, status: 200 });
    expect(received.map((r) => r.idempotencyKey)).toEqual(['conv%3A1:1', 'conv%3A1:1']);
    expect(received[0]?.body).toBe(received[1]?.body);
    expect(sleeps).toEqual([100]);
  });

  it('retries an attempt that times out', async () => {
    script = [slow(1500), ok];
    const { adapter } = node({ timeoutMs: 150 });
    expect(await adapter.deliver(request())).toMatchObject({ attempts: 2 });
    expect(received).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    script = [drop, ok];
    const { adapter } = node();
    expect(await adapter.deliver(request())).toMatchObject({ attempts: 2 });
    expect(received.map((r) => r.idempotencyKey)).toEqual(['conv%3A1:1', 'conv%3A1:1']);
  });

  it('does not retry a 400 and names the status in a DELIVERY_FAILED error', async () => {
    script = [status(400)];
    const { adapter, sleeps } = node();
    const error = await failure(adapter.deliver(request()));
    expect(error.code).toBe('DELIVERY_FAILED');
    expect(error.message).toBe(`Delivery of handoff conv%3A1:1 to ${url} failed after 1 attempt: last HTTP 400: status 400, which is not retried`);
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after its retries with every attempt listed as an issue', async () => {
    script = [status(503), drop, slow(1500)];
    const { adapter, sleeps } = node({ timeoutMs: 150 });
    const error = await failure(adapter.deliver(request()));
    expect(error.message).toBe(`Delivery of handoff conv%3A1:1 to ${url} failed after 3 attempts: last timed out after 150 ms`);
    expect(error.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['http_503', ['attempts', 0]],
      ['network', ['attempts', 1]],
      ['timeout', ['attempts', 2]],
    ]);
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('honours Retry-After on a 429, and gives up when it exceeds the longest backoff', async () => {
    script = [status(429, { 'retry-after': '1' }), ok];
    const first = node({ backoff: { initialMs: 10, maxMs: 5000 } });
    expect(await first.adapter.deliver(request())).toMatchObject({ attempts: 2 });
    expect(first.sleeps).toEqual([1000]);

    script = [status(429, { 'retry-after': '60' })];
    const second = node({ backoff: { initialMs: 10, maxMs: 5000 } });
    const error = await failure(second.adapter.deliver(request()));
    expect(error.message).toMatch(/failed after 1 attempt: last HTTP 429: status 429 with Retry-After 60000 ms, beyond backoff.maxMs 5000 ms$/);
  });

  it('fails a connection that is refused after its retries', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => { resolve(); }));
    const { adapter } = node({ url: `http://127.0.0.1:${port}/`, retries: 1 });
    const error = await failure(adapter.deliver(request()));
    expect(error.message).toMatch(/failed after 2 attempts: last connection failed: .*ECONNREFUSED/);
  });

  it('stops when the caller aborts, without retrying', async () => {
    script = [slow(1500)];
    const controller = new AbortController();
    const { adapter } = node();
    const delivering = adapter.deliver({ ...request(), signal: controller.signal });
    setTimeout(() => { controller.abort(); }, 50);
    const error = await failure(delivering);
    expect(error.message).toMatch(/failed after 1 attempt: last aborted by the caller, which is not retried$/);
  });

  it('rejects bad options with INVALID_CONFIG and a bad key with INVALID_INPUT', async () => {
    expect(() => createHttpAutomationNode({ url: 'not a url' })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    expect(() => createHttpAutomationNode({ url: 'ftp://x/' })).toThrow(/expected http: or https:/);
    expect(() => createHttpAutomationNode({ url, retries: -1 })).toThrow(/retries: expected an integer >= 0/);
    expect(() => createHttpAutomationNode({ url, headers: { 'bad header': 'x' } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }) as Error);
    const error = await failure(node().adapter.deliver({ ...request(), idempotencyKey: '' }));
    expect(isHandoffError(error, 'INVALID_INPUT')).toBe(true);
    expect(received).toHaveLength(0);
  });

  it('sends a key that is not header-safe percent-encoded, the same on every attempt', async () => {
    script = [status(500), ok];
    expect(await node().adapter.deliver({ ...request(), idempotencyKey: 'sessión 1:1:delivery' })).toMatchObject({ attempts: 2 });
    expect(received.map((r) => r.idempotencyKey)).toEqual(['sessi%C3%B3n%201%3A1%3Adelivery', 'sessi%C3%B3n%201%3A1%3Adelivery']);
  });

  it('reports a 202 Accepted as delivered but not yet acknowledged', async () => {
    script = [status(202)];
    expect(await node().adapter.deliver(request())).toEqual({ attempts: 1, acknowledged: false, status: 202, response: 'status 202' });
  });

  it('uses the real timer between attempts by default', async () => {
    script = [status(502), ok];
    const adapter = createHttpAutomationNode({ url, retries: 1, backoff: { initialMs: 20, maxMs: 20 }, jitter: () => 1 });
    const started = performance.now();
    expect(await adapter.deliver(request())).toMatchObject({ attempts: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});

describe('delivery helpers', () => {
  it('makes idempotency keys that are header-safe and unambiguous', () => {
    expect(deliveryIdempotencyKey('c-1', 2)).toBe('c-1:2');
    expect(deliveryIdempotencyKey('a:1', 2)).not.toBe(deliveryIdempotencyKey('a', 12));
    expect(deliveryIdempotencyKey('ünï côdé', 1)).toMatch(/^[\x21-\x7e]+$/);
  });

  it('doubles the backoff ceiling up to the maximum and draws uniformly below it', () => {
    const bounds = { initialMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, bounds, () => 1))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelay(3, bounds, () => 0.5)).toBe(200);
    expect(backoffDelay(3, bounds, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
