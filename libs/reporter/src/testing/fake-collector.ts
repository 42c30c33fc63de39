import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>[];
  at: number;
  /** The status answered. */
  status?: number;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * A FAKE collector for unit tests of the reporter's own logic (retries, Retry-After, isolation of
 * refused rows, back-pressure): records each request and answers what `answer` says (default 202).
 * The real collector is used by the integration tests.
 */
export class FakeCollector {
  readonly requests: FakeRequest[] = [];
  answer: (req: FakeRequest) => FakeAnswer | Promise<FakeAnswer> = (req) => ({ status: 202, body: { accepted: req.body.length } });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeCollector> {
    const server = createServer();
    const fake = new FakeCollector(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Rows of every request to `path` that was answered 2xx. */
  accepted(path: string): Record<string, unknown>[] {
    return this.requests.filter((r) => r.path === path && r.status === 202).flatMap((r) => r.body);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: FakeRequest = { path: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), at: Date.now() };
    this.requests.push(request);
    const answer = await this.answer(request);
    request.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body ?? {}));
  }
}
