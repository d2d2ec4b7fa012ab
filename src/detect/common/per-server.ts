/**
 * Per-server bookkeeping for aggregate findings: observations keyed by the server
 * endpoint ("10.0.3.2:8000"), plus what the server says it is (HTTP Server header)
 * and which clients talked to it.
 */
import type { Flow } from '../../conn/flow.js';

export class PerServer<T> {
  private readonly m = new Map<string, T>();
  constructor(private readonly init: () => T) {}
  get(server: string): T {
    let v = this.m.get(server);
    if (v === undefined) {
      v = this.init();
      this.m.set(server, v);
    }
    return v;
  }
  entries(): IterableIterator<[string, T]> {
    return this.m.entries();
  }
}

/** The first `Server` response header of a connection, if the HTTP tracker recorded it. */
export function serverHeaderOf(flow: Flow): string | undefined {
  for (const e of flow.events) if (e.type === 'response' && e.http?.server) return e.http.server;
  return undefined;
}

/** "10.0.2.1" when every flow came from one client address, else "*". */
export function clientLabel(clientAddrs: Set<string>): string {
  return clientAddrs.size === 1 ? [...clientAddrs][0]! : '*';
}
