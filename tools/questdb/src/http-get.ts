import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';

/**
 * Small GET helpers on node:http instead of global fetch: `agent: false` means one connection per
 * request, closed afterwards, so no keep-alive socket outlives a probe and keeps jest (or the CLI)
 * from exiting.
 */
export interface GetOptions {
  /** Gives up when no byte arrives for this long (connect included). */
  timeoutMs: number;
  /** Redirects to follow; Maven mirrors and CDNs may send 301/302. */
  maxRedirects?: number;
}

/** Resolves with the response of the final hop (any status); the caller must consume or destroy it. */
export function openGet(url: string, options: GetOptions): Promise<{ response: IncomingMessage; url: string }> {
  const { timeoutMs, maxRedirects = 5 } = options;
  return new Promise((resolvePromise, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new Error(`invalid URL '${url}'`));
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.get(target, { agent: false, timeout: timeoutMs }, (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.resume();
        if (maxRedirects <= 0) {
          reject(new Error(`too many redirects fetching ${url}`));
          return;
        }
        const next = new URL(location, target).toString();
        openGet(next, { timeoutMs, maxRedirects: maxRedirects - 1 }).then(resolvePromise, reject);
        return;
      }
      // The socket timeout set above keeps applying while the body streams.
      resolvePromise({ response, url: target.toString() });
    });
    req.on('timeout', () => req.destroy(new Error(`no response from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

export interface TextResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export async function getText(url: string, options: GetOptions): Promise<TextResponse> {
  const { response } = await openGet(url, options);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return {
    status: response.statusCode ?? 0,
    headers: response.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
