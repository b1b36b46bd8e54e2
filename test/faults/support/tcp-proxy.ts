// A TCP proxy between one process and PostgreSQL that a test can hold up or cut off. Holding delays bytes
// (the process sees a slow database, its transaction stays open); refusing closes the port and every
// connection (the process sees a database that is down).
import net from 'node:net';

export interface HoldOptions {
  /** Start holding on a connection only once a request containing this text passes (e.g. 'COMMIT'). */
  match?: string;
  /**
   * 'request' (default): hold the matching request and everything after it, so the database never sees it.
   * 'response': let the matching request through and hold what the database answers, so the database has
   * acted on it but the process does not know.
   */
  hold?: 'request' | 'response';
}

interface Link {
  client: net.Socket;
  upstream: net.Socket;
  holdRequests: boolean;
  holdResponses: boolean;
  requests: Buffer[];
  responses: Buffer[];
}

export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly server = net.createServer((socket) => this.connect(socket));
  private listening = false;
  private trap: HoldOptions | undefined;
  /** Requests (chunks) that matched the trap since the last `hold`. */
  trapped = 0;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards every connection to the target. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.listen(0);
    return proxy;
  }

  /** The same PostgreSQL URL, pointing at the proxy. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Connections currently holding bytes back. */
  get holding(): number {
    let n = 0;
    for (const l of this.links) if (l.holdRequests || l.holdResponses) n++;
    return n;
  }

  /** Holds traffic from now on (see HoldOptions) until `release`. */
  hold(options: HoldOptions = {}): void {
    this.trap = { hold: 'request', ...options };
    this.trapped = 0;
  }

  /** Stops holding and delivers what was held, on connections that are still open. */
  release(): void {
    this.trap = undefined;
    for (const l of this.links) {
      l.holdRequests = false;
      l.holdResponses = false;
      for (const chunk of l.requests.splice(0)) l.upstream.write(chunk);
      for (const chunk of l.responses.splice(0)) l.client.write(chunk);
    }
  }

  /** Like a database that went down: the port refuses connections and every open connection is cut. */
  async refuse(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const l of this.links) this.cut(l);
    await closed;
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    if (!this.listening) await this.listen(this.port);
  }

  private async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as net.AddressInfo).port;
    this.listening = true;
  }

  async close(): Promise<void> {
    this.trap = undefined;
    await this.refuse();
  }

  private connect(client: net.Socket) {
    const upstream = net.connect(this.targetPort, this.targetHost);
    const link: Link = { client, upstream, holdRequests: false, holdResponses: false, requests: [], responses: [] };
    this.links.add(link);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.on('data', (chunk) => this.fromClient(link, chunk));
    upstream.on('data', (chunk) => (link.holdResponses ? link.responses.push(chunk) : link.client.write(chunk)));
    // Either side going away takes the other with it: PostgreSQL then rolls back an open transaction.
    for (const s of [client, upstream]) {
      s.on('error', () => this.cut(link));
      s.on('close', () => this.cut(link));
    }
  }

  private fromClient(link: Link, chunk: Buffer) {
    const trap = this.trap;
    if (trap && !link.holdRequests && !link.holdResponses && (!trap.match || chunk.includes(trap.match))) {
      this.trapped++;
      if (trap.hold === 'response') link.holdResponses = true;
      else link.holdRequests = true;
    }
    if (link.holdRequests) link.requests.push(chunk);
    else link.upstream.write(chunk);
  }

  private cut(link: Link) {
    if (!this.links.delete(link)) return;
    link.requests = [];
    link.responses = [];
    link.client.destroy();
    link.upstream.destroy();
  }
}
