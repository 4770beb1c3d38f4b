// Run by test/sdk/sdk-on-node.test.ts with plain Node (not Bun, not vitest): the SDK as a Node
// user installs it, from its build. Prints one JSON line of what it saw.
import { RouterClient, RouterRefusal } from '@dccrouter/client';

const [url, keyPem, supplier, esme, busyUrl] = process.argv.slice(2);
const counter = () => `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
const client = new RouterClient(url, keyPem, { timeoutMs: 5_000 });
const read = { originatorId: supplier, targetId: esme, commandVariant: 1, srv: '4.1.1' };

const ack = await client.send({ ...read, counter: counter() });
const status = await client.status(supplier, ack.header.requestId);
let refusal;
try {
  await client.send({ ...read, counter: counter(), targetId: '00-DB-12-34-56-78-00-FF' });
} catch (error) {
  refusal = error instanceof RouterRefusal ? { name: error.name, status: error.status, reason: error.reason, responseCode: error.responseCode } : String(error);
}
const critical = await client.sendCritical({ originatorId: supplier, targetId: esme, counter: counter(), srv: '1.1.1', bodyValue: { Price: 12 } });
const batch = await client.batch(supplier, [{ ...read, counter: counter() }, { ...read, counter: counter() }]);
const page = await client.pull(supplier, undefined, 5);
// A router that refuses most with 503 overloaded: the SDK resubmits the same bytes until acknowledged.
const busy = new RouterClient(busyUrl, keyPem, { retries: 50, retryBaseMs: 20 });
const crowd = await Promise.all(Array.from({ length: 20 }, () => busy.submit({ ...read, counter: counter() })));
console.log(JSON.stringify({
  runtime: typeof Bun === 'undefined' ? `node ${process.version}` : 'bun',
  ack: { code: ack.header.responseCode, destination: ack.route.destination, budgetMs: ack.trt?.budgetMs },
  status: status.state,
  refusal,
  critical: [critical.transform.header.responseCode, critical.signed.header.responseCode],
  batch: batch.map((item) => item.status),
  pulled: Array.isArray(page.items) && typeof page.next === 'string',
  crowd: crowd.map((result) => result.status),
}));
