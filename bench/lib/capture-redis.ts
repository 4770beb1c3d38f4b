// Preload: records every command this process sends to Redis, in order, to the file named by
// REDIS_CAPTURE (one JSON array per line: the command, then its arguments, binary ones as { b: base64 };
// a script call is '@script', its script's name, then its keys and arguments). bench/scripts-replay.ts replays such a file against a fresh
// redis-server, so that two revisions of the Lua scripts run the same traffic.
//   REDIS_CAPTURE=/tmp/path.jsonl bun --preload ./bench/lib/capture-redis.ts bench/request-path.ts --rounds 2
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { Redis } from 'ioredis';
import { SCRIPTS } from '../../packages/state/src/redis/scripts.ts';

const file = process.env.REDIS_CAPTURE;
if (!file) throw new Error('REDIS_CAPTURE names the file to write');
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const scriptBySha = new Map(Object.entries(SCRIPTS).map(([name, lua]) => [sha1(lua), name]));
const scriptByText = new Map(Object.entries(SCRIPTS).map(([name, lua]) => [lua, name]));

const fd = openSync(file, 'w');
let lines: string[] = [];
const flush = () => {
  if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  lines = [];
};
/** Binary arguments as { b: base64 }, the rest as text. */
const encode = (arg: unknown): string | { b: string } => (Buffer.isBuffer(arg) ? { b: arg.toString('base64') } : String(arg));

type Command = { name: string; args: unknown[] };
const send = Redis.prototype.sendCommand as (this: Redis, command: Command, ...rest: unknown[]) => unknown;
Redis.prototype.sendCommand = function (this: Redis, command: Command, ...rest: unknown[]) {
  const args = command.args.map(encode);
  const first = typeof args[0] === 'string' ? args[0] : '';
  let entry: (string | { b: string })[];
  if (command.name === 'evalsha' && scriptBySha.has(first)) entry = ['@script', scriptBySha.get(first)!, ...args.slice(1)];
  else if (command.name === 'eval' && scriptByText.has(first)) entry = ['@script', scriptByText.get(first)!, ...args.slice(1)];
  else entry = [command.name, ...args];
  lines.push(JSON.stringify(entry));
  if (lines.length >= 1000) flush();
  return send.call(this, command, ...rest);
} as typeof Redis.prototype.sendCommand;

process.on('exit', () => {
  flush();
  closeSync(fd);
});
