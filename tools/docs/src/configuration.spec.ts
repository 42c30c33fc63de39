import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { apiCallOptionsSchema, daemonOptionsSchema, exchangeOptionsSchema, inventoryOptionsSchema, pipelineOptionsSchema, tradingOptionsSchema } from '@tradewatch/collectors';
import { TABLE_NAMES, validationOptionsSchema } from '@tradewatch/models';
import { parse as parseYaml } from 'yaml';

// docs/configuration.md must name every setting a user can give: each environment variable the
// code reads, each key of the collector's config file, each variable of .env.example and of
// docker-compose.yml.
const root = join(__dirname, '../../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const doc = read('docs/configuration.md');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
  });
}

/** Key paths of a zod schema's input, e.g. `targets[].url`. */
function keyPaths(schema: z.ZodType, prefix: string): string[] {
  const walk = (s: Record<string, unknown>, at: string): string[] => {
    const variants = [s, ...(((s['anyOf'] ?? s['oneOf']) as Record<string, unknown>[] | undefined) ?? [])];
    return variants.flatMap((v) => {
      if (v['type'] === 'array' && v['items']) return walk(v['items'] as Record<string, unknown>, `${at}[]`);
      const props = (v['properties'] ?? {}) as Record<string, Record<string, unknown>>;
      return Object.entries(props).flatMap(([k, p]) => [`${at}.${k}`, ...walk(p, `${at}.${k}`)]);
    });
  };
  return [...new Set(walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>, prefix))];
}

describe('docs/configuration.md', () => {
  it('names every environment variable the apps, libs and tools read', () => {
    const vars = new Set<string>();
    for (const file of ['apps', 'libs', 'tools'].flatMap(sourceFiles)) {
      for (const m of read(file).matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) {
        if (m[1] !== 'PATH') vars.add(m[1]);
      }
    }
    // The collector declares its variables as a zod object.
    const collectorEnv = /const envSchema = z\.object\(\{([\s\S]*?)\n\}\);/.exec(read('apps/collector/src/app/config.ts'))?.[1] ?? '';
    for (const m of collectorEnv.matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm)) vars.add(m[1]);
    // The healthcheck's per-table limits are documented once, as HEALTHCHECK_MAX_AGE_<TABLE>.
    for (const table of TABLE_NAMES) vars.add(`HEALTHCHECK_MAX_AGE_${table.toUpperCase()}`);
    expect(vars.size).toBeGreaterThan(20);
    const missing = [...vars].filter((v) => !doc.includes(v) && !(v.startsWith('HEALTHCHECK_MAX_AGE_') && doc.includes('HEALTHCHECK_MAX_AGE_<TABLE>')));
    expect(missing).toEqual([]);
  });

  it('names every variable of .env.example and every environment key docker-compose.yml sets', () => {
    const example = read('.env.example').split('\n').map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1]).filter((v): v is string => !!v);
    const compose = parseYaml(read('docker-compose.yml')) as { services: Record<string, { environment?: Record<string, string> }> };
    const keys = Object.values(compose.services).flatMap((s) => Object.keys(s.environment ?? {}));
    expect(example.length).toBeGreaterThan(10);
    expect([...example, ...keys].filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
  });

  it('names every key of the collector configuration file', () => {
    const paths = [
      ...keyPaths(validationOptionsSchema, 'validation'),
      ...keyPaths(daemonOptionsSchema, 'daemons'),
      ...keyPaths(exchangeOptionsSchema, 'exchanges'),
      ...keyPaths(pipelineOptionsSchema, 'pipeline'),
      ...keyPaths(tradingOptionsSchema, 'trading'),
      ...keyPaths(inventoryOptionsSchema, 'inventory'),
      ...keyPaths(apiCallOptionsSchema, 'apiCalls'),
    ];
    // The app's own top-level sections (limits, spool, questdb, shutdown) from its file schema.
    const fileSchema = /const fileSchema = z\.strictObject\(\{([\s\S]*?)\n\}\);/.exec(read('apps/collector/src/app/config.ts'))?.[1] ?? '';
    for (const section of fileSchema.matchAll(/^ {2}(\w+): z\s*\n?\s*\.strictObject\(\{([\s\S]*?)\}\)/gm)) {
      for (const key of section[2].matchAll(/^\s+(\w+): z\./gm)) paths.push(`${section[1]}.${key[1]}`);
    }
    expect(paths).toEqual(expect.arrayContaining(['daemons.targets[].url', 'exchanges.backoff.baseMs', 'spool.maxBytes', 'limits.maxRowsPerRequest']));
    // A documented parent with `.a`, `.b` spelled out after it counts (e.g. `pipeline.cadencesMs.oi`, `.funding`).
    // A parent counts when a key under it is documented; `pipeline.cadencesMs.oi`, `.funding` spells
    // siblings with a leading dot.
    const documented = (p: string) =>
      [`\`${p}\``, `\`${p}.`, `\`${p}[]`].some((s) => doc.includes(s)) ||
      (doc.includes(`\`.${p.split('.').pop()}\``) && doc.includes(`\`${p.split('.').slice(0, -1).join('.')}.`));
    expect(paths.filter((p) => !documented(p))).toEqual([]);
  });

  it('links only to files that exist', () => {
    for (const m of doc.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) {
      expect(() => statSync(join(root, 'docs', m[1]))).not.toThrow();
    }
  });
});
