import { TradewatchError } from '@tradewatch/models';
import { z } from 'zod';

export class ConfigError extends TradewatchError {
  readonly code = 'config_invalid';
}

const envSchema = z.object({
  QUESTDB_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:9000' }).default('http://127.0.0.1:9000'),
  QUESTDB_USER: z.string().min(1).optional(),
  QUESTDB_PASSWORD: z.string().min(1).optional(),
});

/** QuestDB connection for `alerts-check`, from the environment (validated; errors name the variable). */
export function questDbFromEnv(env: NodeJS.ProcessEnv = process.env): { url: string; user?: string; password?: string } {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return { url: r.data.QUESTDB_URL, user: r.data.QUESTDB_USER, password: r.data.QUESTDB_PASSWORD };
}
