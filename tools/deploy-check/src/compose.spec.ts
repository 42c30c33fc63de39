import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import type * as Dclint from 'dclint' with { 'resolution-mode': 'import' };
import { parse as parseYaml } from 'yaml';
import { daemonOptionsSchema, exchangeOptionsSchema, pipelineOptionsSchema } from '@tradewatch/collectors';
import { COMPOSE_PATH, ENV_EXAMPLE_PATH, filledEnv, rawCompose, type ComposeFile } from './compose-file';
import { ComposeVariableError, interpolateDocument, variableUses } from './compose-interpolation';
import { appProjects, exists, readDotenv, readText, readYaml, repoPath, strings } from './repo';

// docker compose is not installed on every machine that runs these tests (it needs no engine to
// run `config`, but it is a separate plugin), so the file is checked here: linted by dclint,
// interpolated as Compose does, validated against the Compose Specification JSON schema
// (shipped with dclint), and cross-checked against the repo.

// dclint is an ES module whose types TypeScript will not let CommonJS import; Node loads its
// CommonJS build (package exports, "require"), typed as the module it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DCLinter } = require('dclint') as typeof Dclint;

const raw = rawCompose();
const env = filledEnv();
const compose = interpolateDocument(raw, env);
const services = Object.entries(compose.services);
const APP_SERVICES = ['collector', 'retention-job', 'healthcheck'];

describe('docker-compose.yml', () => {
  it('passes dclint (schema and best-practice rules)', async () => {
    const linter = new DCLinter({
      rules: {
        // Both on purpose: `docker compose build` tags the image that CI also publishes.
        'no-build-and-image': 0,
        // The interface is there, as ${PUBLISH_ADDRESS:-127.0.0.1}; the rule does not interpolate.
        'no-unbound-port-interfaces': 0,
        // Services are in data-flow order, keys grouped by purpose.
        'services-alphabetical-order': 0,
        'service-keys-order': 0,
        'require-quotes-in-ports': [2, { quoteType: 'double' }],
      },
      quiet: false,
      debug: false,
      exclude: [],
    });
    const results = linter.lintFiles([repoPath(COMPOSE_PATH)], false);
    // dclint's declaration files import each other without extensions, which ESM resolution does not find: its result type reads as any.
    const messages = results.flatMap((r: { messages: unknown[] }) => r.messages);
    if (messages.length > 0) throw new Error(await linter.formatResults(results, 'stylish'));
    expect(results).toHaveLength(1);
  });

  it('fits the Compose Specification schema once interpolated', () => {
    const schema = JSON.parse(readFileSync(repoPath('node_modules/dclint/schemas/compose.schema.json'), 'utf8'));
    // The schema names its draft-07 meta-schema by an https URL Ajv does not know; skip that step.
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    const validate = ajv.compile(schema);
    const ok = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' })).toBe('No errors');
    expect(ok).toBe(true);
  });

  it('the schema check can fail: it rejects a misspelt key', () => {
    const schema = JSON.parse(readFileSync(repoPath('node_modules/dclint/schemas/compose.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, validateSchema: false }).compile(schema);
    const broken = structuredClone(compose) as unknown as { services: Record<string, Record<string, unknown>> };
    broken.services['collector']['healthckeck'] = broken.services['collector']['healthcheck'];
    expect(validate(broken)).toBe(false);
  });

  describe('variables', () => {
    const uses = [...strings(raw)].flatMap((s) => variableUses(s.value).map((u) => ({ ...u, path: s.path.join('.') })));
    const example = readDotenv(ENV_EXAMPLE_PATH);

    it('every variable it reads is listed in .env.example, and every listed one is read', () => {
      const used = new Set(uses.map((u) => u.name));
      expect([...used].filter((v) => !example.has(v))).toEqual([]);
      expect([...example.keys()].filter((v) => !used.has(v))).toEqual([]);
    });

    it('has no default password: secrets have no default value and are empty in .env.example', () => {
      const secrets = uses.filter((u) => /PASSWORD|TOKEN|SECRET|WEBHOOK/.test(u.name));
      expect(secrets.length).toBeGreaterThan(0);
      for (const use of secrets) {
        const defaulted = (use.operator === ':-' || use.operator === '-') && use.argument !== '';
        expect(`${use.path}: ${use.name} defaults to ${defaulted ? use.argument : 'nothing'}`).toBe(`${use.path}: ${use.name} defaults to nothing`);
        expect(`${use.name}=${example.get(use.name)}`).toBe(`${use.name}=`);
      }
      // The credentials QuestDB and Grafana are started with are required outright.
      for (const name of ['QUESTDB_PASSWORD', 'QUESTDB_PG_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'COLLECTOR_TOKENS']) {
        expect(uses.filter((u) => u.name === name).map((u) => u.operator)).toEqual(expect.arrayContaining([':?']));
        expect(uses.filter((u) => u.name === name && u.operator !== ':?')).toEqual([]);
      }
    });

    it('refuses to start from the unfilled .env.example, naming the missing secret', () => {
      expect(() => interpolateDocument(raw, readDotenv(ENV_EXAMPLE_PATH))).toThrow(ComposeVariableError);
      expect(() => interpolateDocument(raw, readDotenv(ENV_EXAMPLE_PATH))).toThrow(/required variable (QUESTDB_PASSWORD|QUESTDB_PG_PASSWORD|GRAFANA_ADMIN_PASSWORD|COLLECTOR_TOKENS) is missing a value: set \1 in \.env/);
    });
  });

  describe('services', () => {
    it('runs QuestDB, Grafana, the collector and the retention job, with the healthcheck on demand', () => {
      expect(Object.keys(compose.services).sort()).toEqual(['collector', 'grafana', 'healthcheck', 'questdb', 'retention-job']);
      expect(compose.services['healthcheck'].profiles).toEqual(['tools']);
    });

    it('gives every long-running service a health check and a restart policy, and its state a volume', () => {
      for (const [name, service] of services.filter(([, s]) => !s.profiles)) {
        expect(`${name}: ${service.healthcheck?.test?.[0]}`).toMatch(new RegExp(`^${name}: CMD(-SHELL)?$`));
        expect(`${name}: ${service.restart}`).toBe(`${name}: unless-stopped`);
        const named = (service.volumes ?? []).map((v) => v.split(':')[0]).filter((src) => !src.startsWith('.'));
        expect(`${name}: ${named.length}`).not.toBe(`${name}: 0`);
        for (const volume of named) expect(Object.keys(compose.volumes)).toContain(volume);
      }
    });

    it('pins QuestDB to the version the repo tests against, and Grafana to 12.3 or newer with the pinned plugin', () => {
      const launcherVersion = /QUESTDB_VERSION\s*=\s*'([\d.]+)'/.exec(readText('tools/questdb/src/version.ts'))?.[1];
      expect(compose.services['questdb'].image).toBe(`questdb/questdb:${launcherVersion}`);
      const grafana = /^grafana\/grafana:(\d+)\.(\d+)\.(\d+)$/.exec(compose.services['grafana'].image ?? '');
      expect(grafana).not.toBeNull();
      const [major, minor] = [Number(grafana?.[1]), Number(grafana?.[2])];
      expect(major > 12 || (major === 12 && minor >= 3)).toBe(true);
      expect(compose.services['grafana'].environment?.['GF_PLUGINS_PREINSTALL_SYNC']).toMatch(/^questdb-questdb-datasource@\d+\.\d+\.\d+$/);
    });

    it('builds each app image from deploy/docker/Dockerfile with an Nx app project that has a build target', () => {
      const projects = new Map(appProjects().map((p) => [p.name, p]));
      for (const name of APP_SERVICES) {
        const { build, image } = compose.services[name];
        expect(exists(build?.dockerfile ?? 'missing')).toBe(true);
        expect(build?.context).toBe('.');
        const project = projects.get(build?.args?.['APP'] ?? '');
        expect(project?.targets?.['build']?.options?.outputPath).toBe(`dist/apps/${build?.args?.['APP']}`);
        expect(image).toBe(`tradewatch/${name}:local`);
      }
    });

    it('mounts only paths that exist in the repo', () => {
      const binds = services.flatMap(([, s]) => (s.volumes ?? []).map((v) => v.split(':')[0]).filter((src) => src.startsWith('.')));
      expect(binds.length).toBeGreaterThan(0);
      for (const path of binds) expect(`${path} ${exists(path)}`).toBe(`${path} true`);
    });

    it('installs deploy/questdb/server.conf as QuestDB\'s server.conf before the image\'s entrypoint runs', () => {
      const questdb = compose.services['questdb'] as ComposeFile['services'][string] & { entrypoint?: string[] };
      expect(questdb.volumes).toContain('./deploy/questdb/server.conf:/etc/tradewatch/questdb/server.conf:ro');
      const [shell, flag, script] = questdb.entrypoint ?? [];
      expect([shell, flag]).toEqual(['/bin/bash', '-c']);
      // Interpolation turned $$@ into the shell's $@.
      expect(script).toBe('install -m 0644 /etc/tradewatch/questdb/server.conf /var/lib/questdb/conf/server.conf && exec /docker-entrypoint.sh "$@"');
    });

    it('mounts the generated Grafana provisioning where Grafana and the dashboard provider look', () => {
      const grafana = compose.services['grafana'] as ComposeFile['services'][string] & { entrypoint?: string[] };
      const volumes = grafana.volumes ?? [];
      // select-channels.sh copies the mounted tree to GF_PATHS_PROVISIONING, then Grafana starts.
      expect(volumes).toContain('./deploy/grafana:/etc/tradewatch/grafana:ro');
      expect(grafana.entrypoint?.[2]).toBe(
        `sh /etc/tradewatch/grafana/select-channels.sh /etc/tradewatch/grafana "$GF_PATHS_PROVISIONING" && exec /run.sh`,
      );
      expect(grafana.environment?.['GF_PATHS_PROVISIONING']).toMatch(/^\/tmp\//);
      const providers = readYaml<{ providers: { options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/tradewatch.yaml').providers;
      for (const p of providers) expect(volumes).toContain(`./deploy/grafana/dashboards:${p.options.path}:ro`);
    });

    it('gives Grafana every variable its provisioning files expand', () => {
      const grafanaEnv = compose.services['grafana'].environment ?? {};
      const dir = 'deploy/grafana/provisioning';
      const subdirs = [
        ...['datasources', 'dashboards', 'alerting'].map((sub) => `${dir}/${sub}`),
        // The contact points and policies of every set of alert channels.
        ...readdirSync(repoPath('deploy/grafana/channels')).map((set) => `deploy/grafana/channels/${set}`),
      ];
      const files = subdirs.flatMap((sub) => (exists(sub) ? readdirSync(repoPath(sub)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${sub}/${f}`) : []));
      // Grafana expands $VAR in provisioning values except alert queries (`model`, where SQL
      // macros such as $__timeFilter live) and annotations (templated per alert instead).
      const expanded = (path: string[]) => !path.includes('model') && !path.includes('annotations');
      const needed = new Set(
        files.flatMap((f) =>
          [...strings(parseYaml(readText(f)))].filter((s) => expanded(s.path)).flatMap((s) => variableUses(s.value).map((u) => u.name)),
        ),
      );
      expect(needed.size).toBeGreaterThan(0);
      for (const name of needed) expect(`${name}: ${grafanaEnv[name] !== undefined}`).toBe(`${name}: true`);
    });

    it('publishes only container ports the services listen on, on PUBLISH_ADDRESS', () => {
      const conf = readText('deploy/questdb/server.conf');
      const listen = (key: string) => new RegExp(`^${key.replace(/\./g, '\\.')}=0\\.0\\.0\\.0:(\\d+)$`, 'm').exec(conf)?.[1];
      const expected: Record<string, string[]> = {
        questdb: [listen('http.bind.to') ?? '?', listen('pg.net.bind.to') ?? '?'],
        grafana: ['3000'], // Grafana's default http_port
        collector: [compose.services['collector'].environment?.['COLLECTOR_PORT'] ?? '?'],
      };
      for (const [name, service] of services) {
        const ports = (service.ports ?? []).map((p) => p.split(':'));
        for (const p of ports) expect(p[0]).toBe(env.get('PUBLISH_ADDRESS'));
        expect(`${name}: ${ports.map((p) => p[2]).join(',')}`).toBe(`${name}: ${(expected[name] ?? []).join(',')}`);
      }
    });

    it('points the apps at QuestDB, the collector and Grafana by service name and port', () => {
      for (const name of APP_SERVICES) expect(compose.services[name].environment?.['QUESTDB_URL']).toBe('http://questdb:9000');
      expect(compose.services['healthcheck'].environment).toMatchObject({ COLLECTOR_URL: 'http://collector:8080', GRAFANA_URL: 'http://grafana:3000' });
      expect(compose.services['grafana'].environment?.['QUESTDB_PG_HOST']).toBe('questdb');
      expect(compose.services['collector'].healthcheck?.test.join(' ')).toContain('http://127.0.0.1:8080/health/ready');
    });
  });

  describe('alert channels (issue 15.6)', () => {
    /** .env.example filled in as a user would, with only these alert channel variables set. */
    function envWithChannels(channelVars: Record<string, string>): Map<string, string> {
      const e = filledEnv();
      for (const name of ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'DISCORD_WEBHOOK_URL', 'ALERT_EMAIL_ADDRESSES', 'SMTP_HOST', 'SMTP_USER', 'SMTP_PASSWORD', 'SMTP_FROM_ADDRESS']) e.set(name, '');
      for (const [k, v] of Object.entries(channelVars)) e.set(k, v);
      return e;
    }

    /** Runs Grafana's entrypoint step (select-channels.sh) with Grafana's interpolated environment. */
    function provisionedContactPoints(doc: ComposeFile): string[] {
      const dst = join(mkdtempSync(join(tmpdir(), 'tw-compose-')), 'provisioning');
      try {
        const env = { PATH: process.env['PATH'] ?? '', ...doc.services['grafana'].environment };
        execFileSync('sh', [repoPath('deploy/grafana/select-channels.sh'), repoPath('deploy/grafana'), dst], { env, stdio: 'ignore' });
        const file = join(dst, 'alerting/contact-points.yaml');
        if (!existsSync(file)) return [];
        const cps = parseYaml(readFileSync(file, 'utf8')) as { contactPoints: { receivers: { type: string }[] }[] };
        return [...new Set(cps.contactPoints.flatMap((c) => c.receivers.map((r) => r.type)))].sort();
      } finally {
        rmSync(join(dst, '..'), { recursive: true, force: true });
      }
    }

    const validate = () => new Ajv({ allErrors: true, strict: false, validateSchema: false }).compile(JSON.parse(readFileSync(repoPath('node_modules/dclint/schemas/compose.schema.json'), 'utf8')));

    it('with only the Telegram variables set, the compose file validates and Grafana gets Telegram alone', () => {
      const doc = interpolateDocument(raw, envWithChannels({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_CHAT_ID: '-100200' }));
      expect(validate()(doc)).toBe(true);
      expect(provisionedContactPoints(doc)).toEqual(['telegram']);
    });

    it('with no channel at all, the compose file validates and no contact point is provisioned', () => {
      const doc = interpolateDocument(raw, envWithChannels({}));
      expect(validate()(doc)).toBe(true);
      expect(provisionedContactPoints(doc)).toEqual([]);
    });

    it('with every channel, Grafana gets all three', () => {
      expect(provisionedContactPoints(compose)).toEqual(['discord', 'email', 'telegram']);
    });
  });

  it('ships a collector config example that the collector accepts', () => {
    const file = readYaml<Record<string, unknown>>(`deploy/collector/collector.yaml`);
    expect(daemonOptionsSchema.safeParse(file['daemons']).error).toBeUndefined();
    expect(exchangeOptionsSchema.safeParse(file['exchanges']).error).toBeUndefined();
    expect(pipelineOptionsSchema.safeParse(file['pipeline']).error).toBeUndefined();
  });
});

export type { ComposeFile };
