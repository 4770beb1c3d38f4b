import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '@dccrouter/state';
import { deviceAlertSink } from './index.ts';

describe('deviceAlertSink', () => {
  it('fails each batch of alerts the store cannot take, logging them in one line per alert code, not one each', async () => {
    const store = new MemoryStore();
    store.getDevices = () => Promise.reject(new Error('store away'));
    const lines: { msg: string; alertCode: string }[] = [];
    const sink = deviceAlertSink(store, pino(new Writable({ write(chunk, _encoding, done) { lines.push(JSON.parse(String(chunk))); done(); } })));
    for (const alertCode of ['8F35', '8F35', '8F35', '8F36']) {
      await expect(sink(alertCode, ['00-DB-12-34-56-78-90-A0'], Date.now())).rejects.toThrow('store away');
    }
    expect(lines.map(({ msg, alertCode }) => [msg, alertCode])).toEqual([['device alerts not routed', '8F35'], ['device alerts not routed', '8F36']]);
  });
});
