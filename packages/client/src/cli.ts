#!/usr/bin/env bun
// `dccrouter`: the router's command line for suppliers and operators, on the SDK. Every mistake or
// refusal is one line on stderr with a non-zero exit (2 usage, 1 the router or the network).
// `dccrouter help` lists the commands; `dccrouter send ...` is `npm run send`.
import { readFileSync, statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { callerPath } from './caller-path.ts';
import { isPlainObject } from '@dccrouter/domain';
import { MAX_PULL_WAIT_MS, RouterClient } from './index.ts';

const USAGE = `usage: dccrouter <command> [options]      (--url, or ROUTER_URL; operators: --token, or ROUTER_ADMIN_TOKEN;
                                                 --timeout S: an operator's call's time limit, 60 s, none for import-devices)

Suppliers (signed as --user with --key):
  send [send's options]                           build, sign and submit a Service Request (dccrouter send --help)
  tail --user EUI --key PEM [--after CURSOR] [--follow]   the User's responses and alerts, one JSON line each
  quarantine release|delete REF (--user EUI --key PEM | --token T)

Operators (--token):
  import-devices FILE.ndjson                      NDJSON device import, with progress
  thresholds get|set (--dcc | --values | --user EUI) [--rules JSON]
  dead-letters list [--user EUI] [--after NEXT] | redrive --user EUI [--id ID]
  trt-report [--month YYYY-MM] [--markdown]
  simulators get [DEST] | set DEST --json JSON | raise-alerts DEST --code CODE (--fraction F | --devices EUI,...)`;

class CliError extends Error {
  constructor(message: string, readonly code = 2) {
    super(message);
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(`dccrouter: ${message}\n`);
  process.exit(code);
}

const common = {
  url: { type: 'string', default: process.env.ROUTER_URL ?? 'http://127.0.0.1:8080' },
  token: { type: 'string', default: process.env.ROUTER_ADMIN_TOKEN },
  user: { type: 'string' },
  key: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** An operators' call's time limit (s) unless --timeout says otherwise: a router that stops answering mid-call would otherwise hold the command for ever. */
const OPERATOR_TIMEOUT_S = 60;

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...common, ...options }, allowPositionals: true });
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see dccrouter help)`);
  }
}

function json(text: string | undefined, what: string): unknown {
  if (text === undefined) throw new CliError(`${what} is required`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} is not JSON: ${(error as Error).message}`);
  }
}

/** --timeout in seconds (0: none), or the command's default. */
function timeoutSeconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < 0) throw new CliError(`--timeout must be a number of seconds >= 0 (0: none), not "${text}"`);
  return seconds;
}

/** An operators' call with the bearer token, within its time limit; a refusal becomes one line. */
async function operator(
  options: { url?: string; token?: string; timeout?: string }, method: string, path: string, body?: unknown, contentType = 'application/json', defaultTimeoutS = OPERATOR_TIMEOUT_S,
): Promise<unknown> {
  const { token } = options;
  // As the SDK takes it: a base URL ending in "/" would send "//v1/...", another path.
  const url = options.url?.replace(/\/+$/, '');
  const limit = timeoutSeconds(options.timeout, defaultTimeoutS);
  if (!token) throw new CliError('--token (or ROUTER_ADMIN_TOKEN) is required for operators\' commands');
  const signal = limit > 0 ? AbortSignal.timeout(limit * 1000) : undefined;
  const timedOut = (error: unknown) => (error as Error)?.name === 'TimeoutError' && signal?.aborted;
  const noAnswer = () => new CliError(`${method} ${path}: no answer from the router at ${url} within ${limit} s (--timeout); what the call changes may have been done in part`, 1);
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, signal,
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array || body instanceof ReadableStream ? body as BodyInit : JSON.stringify(body),
      // A large NDJSON body is streamed: fetch needs to know.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    });
  } catch (error) {
    if (timedOut(error)) throw noAnswer();
    throw new CliError(`cannot reach the router at ${url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, 1);
  }
  const text = await response.text().catch((error: unknown) => {
    if (timedOut(error)) throw noAnswer();
    throw new CliError(`${method} ${path}: the router's answer was cut off: ${(error as Error).message}`, 1);
  });
  const answer = text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text;
  if (!response.ok) {
    const error = (answer as { error?: { reason?: string; message?: string } }).error;
    throw new CliError(`${method} ${path}: ${response.status} ${error?.reason ?? ''}${error?.message ? `: ${error.message}` : ''}`, 1);
  }
  return answer;
}

function userClient(url: string, user: string | undefined, key: string | undefined): { client: RouterClient; user: string } {
  if (!user || !key) throw new CliError('--user EUI and --key PEM are required (a User\'s signed call)');
  let pem: string;
  try {
    pem = readFileSync(callerPath(key), 'utf8');
  } catch (error) {
    throw new CliError(`--key ${key}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return { client: new RouterClient(url, pem), user };
  } catch (error) {
    throw new CliError(`--key ${key}: ${(error as Error).message}`);
  }
}

function print(value: unknown): void {
  process.stdout.write(typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
}

const commands: Record<string, (args: string[]) => Promise<void>> = {
  async tail(args) {
    const { values } = parse(args, { after: { type: 'string' }, follow: { type: 'boolean', default: false } });
    const { client, user } = userClient(values.url!, values.user, values.key);
    let after = values.after;
    for (;;) {
      // Following, a page that finds nothing waits for the next item (a long poll) rather than polling.
      const page = await client.pull(user, after, 1000, values.follow ? MAX_PULL_WAIT_MS : 0).catch((error) => {
        throw new CliError(`cannot read ${user}'s responses: ${(error as Error).message}`, 1);
      });
      for (const item of page.items) process.stdout.write(`${JSON.stringify(item)}\n`);
      after = page.next;
      if (page.items.length < 1000 && !values.follow) return;
    }
  },

  async quarantine(args) {
    const { values, positionals } = parse(args, {});
    const [action, ref] = positionals;
    if ((action !== 'release' && action !== 'delete') || !ref) throw new CliError('quarantine release|delete REF');
    const path = `/v1/quarantine/${encodeURIComponent(ref)}/${action}`;
    if (values.user) {
      const { client, user } = userClient(values.url!, values.user, values.key);
      const result = await client.call(user, 'POST', path);
      if (result.status !== 200) throw new CliError(`${action} ${ref}: ${result.status} ${result.answer?.error?.reason}: ${result.answer?.error?.message}`, 1);
      return print(result.answer);
    }
    if (!values.token) throw new CliError(`quarantine ${action} REF needs --user EUI --key PEM (its User) or --token (an operator; or ROUTER_ADMIN_TOKEN)`);
    print(await operator(values, 'POST', path));
  },

  async 'import-devices'(args) {
    const { values, positionals } = parse(args, {});
    const [file] = positionals;
    if (!file) throw new CliError('import-devices FILE.ndjson');
    let size: number;
    try {
      const found = statSync(callerPath(file));
      if (!found.isFile()) throw new CliError(`${file}: not a file (an NDJSON file of devices, one per line)`);
      size = found.size;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`${file}: no such file`);
    }
    const bytes = readFileSync(callerPath(file));
    // Progress as the body is sent: a chunk at a time, a line on stderr each tenth.
    let sent = 0;
    let shown = 0;
    const chunk = 1 << 20;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        const piece = bytes.subarray(sent, sent + chunk);
        sent += piece.length;
        const tenth = Math.floor((10 * sent) / size);
        if (tenth > shown) {
          shown = tenth;
          process.stderr.write(`dccrouter: sent ${Math.round((100 * sent) / size)}% (${sent} of ${size} bytes)\n`);
        }
        controller.enqueue(piece);
      },
    });
    // However many devices, no time limit unless asked: the router answers once it has them all.
    print(await operator(values, 'POST', '/v1/admin/devices:import', body, 'application/x-ndjson', 0));
  },

  async thresholds(args) {
    const { values, positionals } = parse(args, { dcc: { type: 'boolean' }, values: { type: 'boolean' }, rules: { type: 'string' } });
    const [action] = positionals;
    if (action !== 'get' && action !== 'set') throw new CliError('thresholds get|set (--dcc | --values | --user EUI) [--rules JSON]');
    const scopes = [values.dcc && 'dcc', values.values && 'values', values.user && `users/${values.user}`].filter((scope) => typeof scope === 'string');
    if (scopes.length !== 1) throw new CliError(`thresholds ${action} needs one of --dcc, --values or --user EUI`);
    const [scope] = scopes;
    if (action === 'get') return print(await operator(values, 'GET', `/v1/admin/thresholds/${scope}`));
    // The rules, or the API's own body holding them ({"rules": [...]}, as `get` prints it).
    const given = json(values.rules, '--rules') as unknown;
    const body = isPlainObject(given) && 'rules' in given ? given : { rules: given };
    print(await operator(values, 'PUT', `/v1/admin/thresholds/${scope}`, body));
  },

  async 'dead-letters'(args) {
    const { values, positionals } = parse(args, { id: { type: 'string' }, after: { type: 'string' } });
    if (positionals[0] === 'list') {
      if (values.id) throw new CliError('dead-letters list takes --user and --after (the next of the page before), not --id');
      const query = new URLSearchParams({ ...(values.user ? { userId: values.user } : {}), ...(values.after ? { after: values.after } : {}) }).toString();
      return print(await operator(values, 'GET', `/v1/admin/dead-letters${query ? `?${query}` : ''}`));
    }
    if (values.after) throw new CliError('dead-letters redrive takes --user and --id, not --after');
    if (positionals[0] !== 'redrive' || !values.user) throw new CliError('dead-letters list [--user EUI] [--after NEXT] | redrive --user EUI [--id ID]');
    print(await operator(values, 'POST', '/v1/admin/dead-letters:redrive', { userId: values.user, ...(values.id ? { id: values.id } : {}) }));
  },

  async 'trt-report'(args) {
    const { values } = parse(args, { month: { type: 'string' }, markdown: { type: 'boolean', default: false } });
    const query = new URLSearchParams({ ...(values.month ? { month: values.month } : {}), ...(values.markdown ? { format: 'markdown' } : {}) });
    print(await operator(values, 'GET', `/v1/admin/reports/monthly?${query}`));
  },

  async simulators(args) {
    const { values, positionals } = parse(args, { json: { type: 'string' }, code: { type: 'string' }, fraction: { type: 'string' }, devices: { type: 'string' } });
    const [action, destination] = positionals;
    const path = `/v1/admin/simulators${destination ? `/${encodeURIComponent(destination)}` : ''}`;
    if (action === 'get') return print(await operator(values, 'GET', path));
    if (!destination) throw new CliError(`simulators ${action ?? ''} needs a destination, e.g. smets2/north`);
    if (action === 'set') return print(await operator(values, 'PUT', path, json(values.json, '--json')));
    if (action !== 'raise-alerts' || !values.code) throw new CliError('simulators get [DEST] | set DEST --json JSON | raise-alerts DEST --code CODE (--fraction F | --devices EUI,...)');
    const fraction = values.fraction === undefined ? NaN : Number(values.fraction);
    if (!values.devices && !(fraction >= 0 && fraction <= 1)) throw new CliError(`raise-alerts needs --devices EUI,... or --fraction F (a number from 0 to 1)${values.fraction === undefined ? '' : `, got ${values.fraction}`}`);
    const body = values.devices ? { alertCode: values.code, devices: values.devices.split(',') } : { alertCode: values.code, fraction };
    print(await operator(values, 'POST', `${path}:raise-alerts`, body));
  },
};

/** A reader gone (`dccrouter tail | head`) ends the command quietly, as other command-line tools do. */
const readerGone = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'EPIPE';
process.stdout.on('error', (error) => {
  if (readerGone(error)) process.exit(0);
  fail(error.message, 1);
});

const [command, ...rest] = process.argv.slice(2);
if (command === 'send') {
  process.argv.splice(2, 1);
  await import('./send.ts');
} else if (command === undefined || command === 'help' || command === '--help') {
  process.stdout.write(`${USAGE}\n`);
} else if (!commands[command]) {
  fail(`unknown command "${command}" (see dccrouter help)`, 2);
} else {
  try {
    await commands[command](rest);
  } catch (error) {
    if (readerGone(error)) process.exit(0);
    if (error instanceof CliError) fail(error.message, error.code);
    fail((error as Error).message, 1);
  }
}
