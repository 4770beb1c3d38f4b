// `npm run send`: builds, signs (with the demo User's key unless --key is given) and submits one
// Service Request, then prints the router's answer.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { callerPath } from './caller-path.ts';
import { duisWebServiceOf, MAX_PULL_WAIT_MS, RouterClient } from './index.ts';

/** A CLI mistake or an unreachable router: one line on stderr, no stack trace. */
function fail(message: string, code = 2): never {
  process.stderr.write(`send: ${message}\n`);
  process.exit(code);
}

const options = {
    url: { type: 'string', default: process.env.ROUTER_URL ?? 'http://127.0.0.1:8080' },
    // Both default to the demo User's, together: a key alone would sign as the demo User.
    key: { type: 'string' },
    originator: { type: 'string' },
    // The other commands' name for the signing User.
    user: { type: 'string' },
    target: { type: 'string', default: '00-DB-12-34-56-78-90-A0' },
    srv: { type: 'string', default: '4.1.1' },
    cv: { type: 'string', default: '1' },
    counter: { type: 'string', default: String(Date.now()) },
    body: { type: 'string', default: '{}' },
    format: { type: 'string', default: 'json' },
    file: { type: 'string' },
    wait: { type: 'boolean', default: false },
    // A SMETS2+ on-demand TRT (30 s) with room; a SMETS1 request's is 16 s plus the WAN's time.
    'wait-seconds': { type: 'string', default: '35' },
    help: { type: 'boolean', default: false },
} as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  fail(`${(error as Error).message} (see --help)`);
}

if (values.help) {
  console.log(`usage: dccrouter send [--url URL] [--srv 4.1.1] [--cv 1] [--target EUI] [--counter N]
                     [--body '{"ExecutionDateTime":"..."}'] [--format json|protobuf]
                     [--key PEM --originator EUI]   (the User's key and EUI, both or neither; --user EUI too)
                     [--wait [--wait-seconds 35]]   (then wait up to that long for the device's
                     response and print it; exit 1 if none came)
       dccrouter send --format xml --file REQUEST.xml [--url URL]
                     (a DUIS sr:Request signed by your XML signing tool, posted to /api/v1/service{S,D,T}
                     by its CommandVariant; the answer is the router's signed sr:Response)
Defaults: the demo supplier (its key and EUI) reads the demo ESME's instantaneous import registers; --url defaults to
ROUTER_URL, else http://127.0.0.1:8080. --body is the body element's value (for 5.1, the DSPSchedule's
fields themselves, without a CreateSchedule wrapper). In this repository: npm run send -- [options].`);
  process.exit(0);
}

if (values.user !== undefined && values.originator !== undefined && values.user !== values.originator) fail('--user and --originator are two names for one option: give one');
const givenOriginator = values.originator ?? values.user;
if ((values.key === undefined) !== (givenOriginator === undefined) && values.format !== 'xml') {
  fail(values.key === undefined
    ? `--originator ${givenOriginator} needs --key PEM, that User's private key (without both, the demo User signs)`
    : `--key ${values.key} needs --originator EUI, the User whose key it is (without both, the demo User signs)`);
}
const originator = givenOriginator ?? '90-B3-D5-1F-30-01-00-00';
const keyFile = values.key === undefined ? fileURLToPath(new URL('../demo/demo-user.key.pem', import.meta.url)) : callerPath(values.key);

let xmlDocument: string | undefined;
if (values.format === 'xml') {
  // This CLI does not sign XML: it posts a document the User's XML signing tool signed.
  if (!values.file) fail('--format xml needs --file REQUEST.xml: a DUIS sr:Request signed by your XML signing tool (this CLI does not sign XML)');
  if (values.wait) fail('--wait reads JSON answers: not with --format xml');
  try {
    xmlDocument = readFileSync(callerPath(values.file), 'utf8');
  } catch (error) {
    fail(`--file ${values.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!duisWebServiceOf(xmlDocument)) fail(`--file ${values.file}: not a DUIS sr:Request (no CommandVariant from 1 to 8)`);
} else if (values.file) {
  fail('--file is the DUIS XML document of --format xml');
}
if (values.format !== 'json' && values.format !== 'protobuf' && values.format !== 'xml') fail(`--format must be json, protobuf or xml, not "${values.format}"`);
if (!/^[1-8]$/.test(values.cv!)) fail(`--cv must be a command variant from 1 to 8, not "${values.cv}"`);
const waitSeconds = Number(values['wait-seconds']);
if (!/^\d+$/.test(values['wait-seconds']!) || waitSeconds < 1 || waitSeconds > 86_400) fail(`--wait-seconds must be a whole number of seconds from 1 to 86400, not "${values['wait-seconds']}"`);
let bodyValue: Record<string, unknown>;
try {
  bodyValue = JSON.parse(values.body!);
} catch (error) {
  fail(`--body is not JSON: ${(error as Error).message}`);
}
// The body element's value is an object, or "" (DUIS's empty element): anything else would be sent as {}.
if (bodyValue as unknown !== '' && (typeof bodyValue !== 'object' || bodyValue === null || Array.isArray(bodyValue))) fail(`--body must be a JSON object (or "" for an empty body element), not ${values.body}`);
let url: URL | undefined;
try {
  url = new URL(values.url!);
} catch {
  url = undefined;
}
if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail(`--url must be an http:// or https:// URL, not "${values.url}"`);
let keyPem: string;
try {
  keyPem = readFileSync(keyFile, 'utf8');
} catch (error) {
  fail(`--key ${values.key ?? keyFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
}
let client: RouterClient;
try {
  client = new RouterClient(values.url!, keyPem, { retries: 1 });
} catch (error) {
  fail(`--key ${values.key ?? keyFile} is not a readable PEM private key: ${(error as Error).message}`);
}
let submitted: Awaited<ReturnType<RouterClient['submit']>>;
try {
  submitted = xmlDocument !== undefined ? await client.submitXml(xmlDocument) : await client.submit({
    originatorId: originator,
    targetId: values.target!,
    counter: values.counter!,
    commandVariant: Number(values.cv),
    srv: values.srv!,
    bodyValue,
  }, values.format as 'json' | 'protobuf');
} catch (error) {
  // What could not be written (a protobuf counter that is no uint64) is the caller's; the rest, the connection's.
  if (error instanceof RangeError) fail(error.message);
  const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
  // Sent but not answered, it may be recorded: only the same RequestID again is safe.
  fail(`no answer from the router at ${values.url} (${cause})${resubmitHint()}`, 1);
}
const { status, answer } = submitted;
console.log(`HTTP ${status}`);
console.log(typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2));
// A refusal is also one line on stderr, as the CLI's others are.
if (status >= 300) {
  const why = typeof answer === 'object' && answer?.error ? `${answer.error.reason}: ${answer.error.message}` : `${submitted.reason ? `${submitted.reason} ` : ''}(the answer above)`;
  console.error(`send: refused, HTTP ${status} ${why}${status === 503 ? resubmitHint() : ''}`);
}
// A request quarantined or deleted (a SMETS1 value breach) gets no response to wait for.
if (values.wait && status === 202 && (answer.quarantine || answer.deleted)) {
  console.error(answer.quarantine ? `send: quarantined (${answer.quarantine.breach} breach, ref ${answer.quarantine.ref}): no response until it is released` : `send: deleted (${answer.deleted.breach} breach): it gets no response`);
}
if (values.wait && status === 202 && !answer.quarantine && !answer.deleted) {
  // Read the response back as the User would: a signed pull from its outbound queue.
  const requestId = answer.header.requestId;
  const deadline = Date.now() + waitSeconds * 1000;
  // From a minute before the acknowledgement (a cursor may be a time in ms), not from the oldest
  // item: a User's outbox keeps days of items, and a pull marks the responses it reads delivered.
  let after = String(Date.parse(answer.header.responseDateTime) - 60_000);
  while (Date.now() < deadline) {
    let page: { items: { requestId?: string; kind: string }[]; next: string };
    try {
      // A long poll: answered as soon as the User has something new, or after the wait.
      page = await client.pull(originator, after, 100, Math.max(1, Math.min(MAX_PULL_WAIT_MS, deadline - Date.now())));
    } catch (error) {
      fail(`cannot read the response back from ${values.url}: ${(error as Error).message}`, 1);
    }
    const item = page.items.find((i) => i.requestId === requestId && i.kind === 'response');
    if (item) {
      console.log('response:');
      console.log(JSON.stringify(item, null, 2));
      process.exit(0);
    }
    after = page.next;
  }
  console.error(`send: no response within ${waitSeconds} s (acknowledged; it may still come: read it later with dccrouter tail --user ${originator})`);
  process.exit(1);
}
process.exit(status < 300 ? 0 : 1);

/**
 * After an answer that may leave the request recorded (none, or a 503): how to ask again with the
 * same RequestID, which the router answers as first answered or records now. A new counter (the
 * default, the time) would be a second request.
 */
function resubmitHint(): string {
  if (xmlDocument !== undefined) return '; resubmit the same document';
  return `; to try again, resubmit with the same --counter ${values.counter} (request ${originator}:${values.target}:${values.counter}): the router answers it as first answered, or records it now; a new counter would be a second request`;
}
