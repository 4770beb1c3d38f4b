// Records router.proto's shape as released (proto/router.lock.json): run when a release is cut,
// after src/compatibility.test.ts has passed. `npm run lock -w @dccrouter/protocol`
import { readFileSync, writeFileSync } from 'node:fs';
import { protoShape } from '../src/shape.ts';

const proto = readFileSync(new URL('../proto/router.proto', import.meta.url), 'utf8');
writeFileSync(new URL('../proto/router.lock.json', import.meta.url), JSON.stringify(protoShape(proto), null, 2) + '\n');
