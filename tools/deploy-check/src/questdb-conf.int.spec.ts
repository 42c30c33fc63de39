import { z } from 'zod';
import { RestClient } from '@tradewatch/questdb-client';
import { WORKER_IDLE_SETTINGS } from '@tradewatch/questdb-launcher';
import { questDbUrl } from '@tradewatch/questdb-client/testing';
import { rawCompose } from './compose-file';
import { readText, readYaml } from './repo';

// Every setting we hand QuestDB must be one the real QuestDB (9.3.4) knows: a misspelt key in
// server.conf or a QDB_ variable is silently ignored by QuestDB itself.
const rest = new RestClient({ url: questDbUrl() });
const parameterSchema = z.object({ property_path: z.string(), env_var_name: z.string() });

let keys: Set<string>;
let envVars: Set<string>;
beforeAll(async () => {
  const { rows } = await rest.query('SHOW PARAMETERS', parameterSchema);
  keys = new Set(rows.map((r) => r.property_path));
  envVars = new Set(rows.map((r) => r.env_var_name));
});

/** deploy/questdb/server.conf's settings: key → value. */
function serverConf(): Map<string, string> {
  const lines = readText('deploy/questdb/server.conf').split('\n').map((l) => l.trim());
  return new Map(lines.filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('QuestDB settings', () => {
  it('every key in deploy/questdb/server.conf is a QuestDB parameter', () => {
    const confKeys = [...serverConf().keys()];
    expect(confKeys.length).toBeGreaterThan(5);
    expect(confKeys.filter((k) => !keys.has(k))).toEqual([]);
  });

  it('deploy/questdb/server.conf makes idle workers nap as the launcher does (dev, tests and the bench run what users run)', () => {
    const conf = serverConf();
    const idle = Object.entries(WORKER_IDLE_SETTINGS);
    expect(idle.length).toBeGreaterThan(0);
    for (const [key, value] of idle) expect(`${key}=${conf.get(key)}`).toBe(`${key}=${value}`);
  });

  it('every QDB_ variable in docker-compose.yml and the CI workflow is a QuestDB parameter', () => {
    const ci = readYaml<{ jobs: Record<string, { services?: Record<string, { env?: Record<string, string> }> }> }>('.github/workflows/ci.yml');
    const names = [
      ...Object.keys(rawCompose().services['questdb'].environment ?? {}),
      ...Object.values(ci.jobs).flatMap((j) => Object.values(j.services ?? {}).flatMap((s) => Object.keys(s.env ?? {}))),
    ].filter((n) => n.startsWith('QDB_'));
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !envVars.has(n))).toEqual([]);
  });
});
