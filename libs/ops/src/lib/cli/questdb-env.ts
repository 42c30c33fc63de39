import { questDbConnectionSchema, type QuestDbConnection } from '@tradewatch/questdb-client';
import { OpsConfigError } from '../errors';

export const DEFAULT_QUESTDB_URL = 'http://127.0.0.1:9000';

/**
 * The QuestDB connection from QUESTDB_URL / QUESTDB_USER / QUESTDB_PASSWORD (the same variables
 * the collector reads), validated; a bad value names its variable.
 */
export function questDbFromEnv(env: NodeJS.ProcessEnv, urlOverride?: string): QuestDbConnection {
  const url = urlOverride ?? env['QUESTDB_URL'] ?? DEFAULT_QUESTDB_URL;
  const user = env['QUESTDB_USER'] || undefined;
  const password = env['QUESTDB_PASSWORD'] || undefined;
  if (Boolean(user) !== Boolean(password)) {
    throw new OpsConfigError('QUESTDB_USER and QUESTDB_PASSWORD must be set together');
  }
  const parsed = questDbConnectionSchema.safeParse({ url, user, password });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = issue?.path[0] === 'url' ? (urlOverride ? '--questdb-url' : 'QUESTDB_URL') : `QUESTDB_${String(issue?.path[0]).toUpperCase()}`;
    throw new OpsConfigError(`${variable}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(url)})`);
  }
  return parsed.data;
}
