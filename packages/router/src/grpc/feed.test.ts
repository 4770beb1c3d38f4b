import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { MemoryStore } from '@dccrouter/state';
import type { SignatureVerifier } from '../auth/verifier.ts';
import type { OutboxWatch } from '../delivery/outbox-watch.ts';
import { createLogger } from '../log/index.ts';
import { serveFeed, type FeedDeps } from './feed.ts';

const USER = '90-B3-D5-1F-30-0D-00-04';

/** A Feed call as grpc-js hands it to the handler: its request, metadata, events and writes. */
function feedCall() {
  const metadata = new Metadata();
  metadata.set('x-dcc-user', USER);
  metadata.set('x-dcc-timestamp', new Date().toISOString());
  metadata.set('x-dcc-signature', Buffer.from('signature').toString('base64'));
  return Object.assign(new EventEmitter(), { request: { after: '' }, metadata, write: () => true, end: () => {} });
}

describe('serveFeed', () => {
  it('sees a cancel that came while the signature was being checked: the feed ends and frees its User\'s place', async () => {
    let signatureChecked!: (valid: boolean) => void;
    const deps: FeedDeps = {
      store: new MemoryStore(),
      directory: { user: async () => ({ userId: USER, roles: ['IS'], status: 'active', publicKeyPem: 'key' }) },
      verifier: { verify: () => new Promise<boolean>((resolve) => { signatureChecked = resolve; }) } as unknown as SignatureVerifier,
      log: createLogger('silent'),
      draining: () => false,
      outboxWatch: { until: (_user: string, _after: unknown, ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); });
      }) } as unknown as OutboxWatch,
    };
    const call = feedCall();
    const openFeeds = new Map<string, number>();
    const served = serveFeed(call as never, deps, openFeeds);
    await new Promise((resolve) => setImmediate(resolve));
    call.emit('cancelled');
    signatureChecked(true);
    const ended = await Promise.race([served.then(() => 'ended'), new Promise((resolve) => setTimeout(resolve, 500, 'still open'))]);
    expect(ended).toBe('ended');
    expect(openFeeds.size).toBe(0);
  });
});
