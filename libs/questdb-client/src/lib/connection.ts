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
