/**
 * The outbound HTTP sender against a real receiver on 127.0.0.1: what a delivery or a flow action
 * sees of a response (status, `Retry-After`, the start of the body), bounded reads of large bodies,
 * the total timeout, and requests refused before they are sent.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebhookSender } from '../src/delivery/index.js';
import { Receiver } from './support/receiver.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const h of open.splice(0).reverse()) await h.close();
});

async function setup(
  timeoutMs = 15_000,
  allowPrivateTargets = true,
): Promise<{ rx: Receiver; sender: WebhookSender }> {
  const rx = await Receiver.start();
  open.push(rx);
  const sender = new WebhookSender({
    allowPrivateTargets,
    allowHttpHosts: [],
    connectTimeoutMs: 5_000,
    timeoutMs,
    connectionsPerHost: 4,
  });
  open.push(sender);
  return { rx, sender };
}

const body = JSON.stringify({ id: 'evt_1', type: 't', timestamp: 'x', instance: 'i', data: {} });
const live = () => new AbortController().signal;

void describe('webhook sender', () => {
  void it('returns the status and Retry-After, and the first 2 KiB of the body when asked', async () => {
    const { rx, sender } = await setup();
    rx.handler = (_req, res) => res.writeHead(503, { 'retry-after': '7' }).end('é'.repeat(5000));
    const sent = await sender.request({
      method: 'POST',
      url: rx.url('/a'),
      headers: { 'content-type': 'application/json' },
      body,
      signal: live(),
      readBody: true,
    });
    assert.equal(sent.statusCode, 503);
    assert.equal(sent.retryAfter, '7');
    assert.equal(sent.error, null);
    assert.equal(sent.responseText, 'é'.repeat(2048));
    assert.equal(rx.received[0]!.body, body);
  });

  void it('keeps the status of a 2xx whose body is over 64 KiB, and still sends after it', async () => {
    const { rx, sender } = await setup();
    rx.handler = (req, res) =>
      res.writeHead(200).end(req.path === '/big' ? 'x'.repeat(1 << 20) : '');
    const big = await sender.send(rx.url('/big'), {}, body, live());
    assert.deepEqual([big.statusCode, big.error], [200, null]);
    const next = await sender.send(rx.url('/small'), {}, body, live());
    assert.deepEqual([next.statusCode, next.error], [200, null]);
  });

  void it('times out a response that never comes, and refuses a 3xx and a bad header as failures', async () => {
    const { rx, sender } = await setup(200);
    rx.handler = (req, res) => {
      if (req.path === '/moved') res.writeHead(301, { location: '/elsewhere' }).end();
    };
    const hung = await sender.send(rx.url('/hang'), {}, body, live());
    assert.equal(hung.statusCode, null);
    assert.equal(hung.error, 'no response within 200 ms');
    const moved = await sender.send(rx.url('/moved'), {}, body, live());
    assert.deepEqual([moved.statusCode, moved.error], [301, 'redirects are not followed']);
    const bad = await sender.send(rx.url('/a'), { 'x-bad': 'a\nb' }, body, live());
    assert.equal(bad.statusCode, null);
    assert.match(bad.error ?? '', /header/i);
  });

  void it('refuses a loopback address unless private targets are allowed, and a malformed url', async () => {
    const { rx, sender } = await setup(15_000, false);
    for (let i = 0; i < 2; i++) {
      const sent = await sender.send(rx.url('/a'), {}, body, live());
      assert.deepEqual(
        [sent.statusCode, sent.error],
        [null, 'target address refused (private or loopback)'],
      );
    }
    assert.equal(rx.received.length, 0);
    const bad = await sender.send('not a url', {}, body, live());
    assert.equal(bad.statusCode, null);
    assert.match(bad.error ?? '', /url/i);
  });
});
