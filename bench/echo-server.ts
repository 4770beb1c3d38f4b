// The baseline: a bare Hono app on Bun that reads the body and answers a small JSON document,
// the least any HTTP router on this runtime must do per request.
import { Hono } from 'hono';

const app = new Hono();
app.post('/v1/service-requests', async (c) => {
  const body = await c.req.arrayBuffer();
  return c.json({ header: { responseCode: 'I99' }, bytes: body.byteLength }, 202);
});

const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', fetch: app.fetch });
console.log(`echo listening on http://127.0.0.1:${server.port}`);
process.on('SIGTERM', () => {
  server.stop();
  process.exit(0);
});
