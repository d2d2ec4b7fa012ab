/**
 * A map keyed by port number (0-65535): a Map while it holds few ports, then one array indexed
 * by port. A client cycling through tens of thousands of ephemeral ports makes a Map that big,
 * and a lookup in it misses the cache at nearly every connection.
 */
export class PortMap<T> {
  private map: Map<number, T> | null = new Map();
  private byPort: (T | undefined)[] | null = null;

  get(port: number): T | undefined {
    return this.byPort !== null ? this.byPort[port] : this.map!.get(port);
  }

  set(port: number, value: T): void {
    if (this.byPort !== null) {
      this.byPort[port] = value;
      return;
    }
    const map = this.map!;
    map.set(port, value);
    // At 8192 ports the array (64 Ki slots of 4 bytes) is no bigger than the Map it replaces.
    if (map.size > 8192) {
      const byPort = new Array<T | undefined>(65536).fill(undefined);
      for (const [p, v] of map) byPort[p] = v;
      this.byPort = byPort;
      this.map = null;
    }
  }
}
