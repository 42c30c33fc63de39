import { z } from 'zod';

/** Where QuestDB is and how to log in. One HTTP endpoint serves REST (`/exec`, `/exp`) and ILP. */
export interface QuestDbConnection {
  /** e.g. `http://127.0.0.1:9000` */
  url: string;
  user?: string;
  password?: string;
}

export const questDbConnectionSchema = z.object({
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:9000' })
    .transform((u) => u.replace(/\/+$/, '')),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
});

export function authHeader(c: QuestDbConnection): Record<string, string> {
  if (c.user && c.password) {
    return { authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` };
  }
  return {};
}

/** The ILP/HTTP configuration string of `@questdb/nodejs-client` for this connection. */
export function senderConfig(c: QuestDbConnection, extra: Record<string, string | number>): string {
  const u = new URL(c.url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const parts: Record<string, string | number> = { addr: `${u.hostname}:${port}`, ...extra };
  if (c.user && c.password) Object.assign(parts, { username: c.user, password: c.password });
  // The config string's delimiter is ';' and a literal ';' is written ';;'.
  const body = Object.entries(parts)
    .map(([k, v]) => `${k}=${String(v).replace(/;/g, ';;')}`)
    .join(';');
  return `${u.protocol === 'https:' ? 'https' : 'http'}::${body};`;
}
