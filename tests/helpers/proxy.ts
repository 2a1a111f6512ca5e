import net from 'node:net';
import { registerTeardown } from './server.ts';

export type NetworkProxy = {
  /** Base URL of the proxy; the browser uses it instead of the server's. */
  url: string;
  /** Drops every open connection and refuses new ones, like a network outage. */
  cut(): void;
  /** Holds every open connection's bytes without closing anything, like a network that went away unannounced. */
  stall(): void;
  /** Lets connections through again. */
  restore(): void;
};

/**
 * A TCP proxy in front of a test server whose "network" a test can cut and
 * restore, for offline behaviour without stopping the server. Closes with the test.
 */
export async function startNetworkProxy(targetUrl: string): Promise<NetworkProxy> {
  const target = new URL(targetUrl);
  const open = new Set<net.Socket>();
  let down = false;
  const server = net.createServer((client) => {
    if (down) return client.destroy();
    // Node may resolve localhost to ::1 first; the test server listens on IPv4.
    const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname;
    const upstream = net.connect(Number(target.port), host);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  registerTeardown(
    () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    url: `http://localhost:${port}`,
    cut() {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    stall() {
      for (const s of open) s.pause();
    },
    restore() {
      down = false;
      for (const s of open) s.resume();
    },
  };
}
