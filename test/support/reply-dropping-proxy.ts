import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a redis-server that can lose one reply, as a network failure between a
 * command's run and its answer would: once armed with a marker, the first connection to send bytes
 * containing it has the server's next answer dropped and is cut. The client library reconnects
 * through the proxy and sends what it had in flight again. It can also hold every answer back
 * (a stalled network, a server stuck in a long script) until told to let them through, or hold
 * a command back before it reaches the server, with whatever its connection sends after it.
 */
export interface ReplyDroppingProxy {
  /** `redis://` URL of the proxy. */
  url: string;
  /** Drop the answer to the next command whose bytes contain `marker`. */
  dropReplyTo(marker: string): void;
  /** Hold every answer back until `releaseReplies`. */
  holdReplies(): void;
  releaseReplies(): void;
  /** Hold back the next command whose bytes contain `marker`, and what its connection sends after it, until `releaseCommands`. */
  holdCommandWith(marker: string): void;
  releaseCommands(): void;
  /** Answers dropped so far. */
  readonly dropped: number;
  close(): Promise<void>;
}

export async function replyDroppingProxy(redisUrl: string): Promise<ReplyDroppingProxy> {
  const target = new URL(redisUrl);
  let marker: string | undefined;
  let dropped = 0;
  let held: (() => void)[] | undefined;
  let holdMarker: string | undefined;
  const heldCommands: (() => void)[] = [];
  let releaseCommands = () => {};
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    let dropNextReply = false;
    let holding = false;
    client.on('data', (chunk) => {
      if (marker !== undefined && chunk.includes(marker)) {
        marker = undefined;
        dropNextReply = true;
      }
      if (holdMarker !== undefined && chunk.includes(holdMarker)) {
        holdMarker = undefined;
        holding = true;
        releaseCommands = () => {
          holding = false;
          for (const write of heldCommands.splice(0)) write();
        };
      }
      if (holding) heldCommands.push(() => upstream.write(chunk));
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (held) {
        held.push(() => client.write(chunk));
        return;
      }
      if (!dropNextReply) {
        client.write(chunk);
        return;
      }
      // The command ran (this is its answer): the client never hears of it.
      dropped++;
      client.destroy();
      upstream.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    dropReplyTo: (text) => { marker = text; },
    holdReplies: () => { held ??= []; },
    releaseReplies: () => {
      const release = held ?? [];
      held = undefined;
      for (const write of release) write();
    },
    holdCommandWith: (text) => { holdMarker = text; },
    releaseCommands: () => releaseCommands(),
    get dropped() { return dropped; },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
