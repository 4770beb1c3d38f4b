import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A User's Receive Response endpoint for tests: records what arrives, can be told to fail. */
export class WebhookReceiver {
  readonly received: any[] = [];
  /** Answer with this status instead of 204 while set. */
  failWith: number | undefined;
  attempts = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        this.attempts++;
        if (this.failWith !== undefined) {
          response.writeHead(this.failWith).end();
          return;
        }
        this.received.push(JSON.parse(body));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/receive`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
