import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { filledEnv, rawCompose } from './compose-file';
import { interpolateDocument } from './compose-interpolation';
import { HelmError, KUBE_VERSION, find, lintChart, podSpec, renderChart, venvTool, type K8sObject, type RenderOptions } from './helm-chart';
import { checkAppEnv, checkGrafanaEnv, collectorKindOf, checkMounts, checkPorts, checkProbes, checkSecretRefs, checkSecurity, checkVersions, containerOf } from './helm-checks';

// The Helm chart (deploy/helm/tradewatch), checked offline: helm lint and helm template with the
// default and production values and the other modes, every rendered object validated against
// the Kubernetes API schemas (kubernetes-validate --strict, schemas shipped in its PyPI package;
// the ServiceMonitor CRD with @kubernetes-models/prometheus-operator), and the chart checked
// against what the apps read and serve and against docker-compose.yml.

/** What a user must give when installing with the defaults (no default passwords). */
const SECRETS = {
  questdb: { auth: { httpPassword: 'qdb-http-password', pgPassword: 'qdb-pg-password' } },
  collector: { auth: { tokens: ['ci-ingest-token-0123456789'] } },
  grafana: { admin: { password: 'grafana-admin-password' } },
};
const PRODUCTION: RenderOptions = { valuesFiles: ['values-production.yaml'] };
const PRODUCTION_SECRETS = ['tradewatch-questdb', 'tradewatch-collector', 'tradewatch-grafana', 'tradewatch-alerting'];

const RENDERS: Record<string, RenderOptions> = {
  default: { values: [SECRETS] },
  production: PRODUCTION,
  daemonset: { values: [SECRETS, { collector: { mode: 'daemonset' } }] },
  'telegram only': { values: [SECRETS, { grafana: { alerting: { telegram: { enabled: true, botToken: 'bot:token', chatId: '42' } } } }] },
  'every channel, ServiceMonitor': {
    values: [
      SECRETS,
      {
        collector: { auth: { scrapeTokens: ['ci-scrape-token-0123456789'] } },
        serviceMonitor: { enabled: true },
        grafana: {
          alerting: {
            telegram: { enabled: true, botToken: 'bot:token', chatId: '42' },
            discord: { enabled: true, webhookUrl: 'https://discord.example/webhook' },
            email: { enabled: true, addresses: 'ops@example.com', smtp: { host: 'smtp.example.com:587', fromAddress: 'tw@example.com' } },
          },
        },
      },
    ],
  },
};

const rendered = new Map(Object.entries(RENDERS).map(([name, options]) => [name, renderChart(options)]));
const compose = interpolateDocument(rawCompose(), filledEnv());
const APPS = [
  { kind: 'StatefulSet', name: '-collector', container: 'collector', app: 'collector' },
  { kind: 'CronJob', name: '-retention', container: 'retention-job', app: 'retention-job' },
];

/** kubernetes-validate --strict over a set of objects; returns its complaints. */
function kubernetesValidate(objects: K8sObject[]): string[] {
  const tool = venvTool('kubernetes-validate');
  if (!existsSync(tool)) throw new Error(`${tool} is missing: run tools/python/setup-venv.sh (it installs kubernetes-validate)`);
  const dir = mkdtempSync(join(tmpdir(), 'tw-kv-'));
  try {
    const files = objects.map((o, i) => {
      const path = join(dir, `${i}-${o.kind}-${o.metadata.name}.yaml`);
      writeFileSync(path, stringifyYaml(o));
      return path;
    });
    try {
      execFileSync(tool, ['--strict', '--quiet', '--kubernetes-version', KUBE_VERSION, ...files], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return [];
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n').filter((l) => l.trim() !== '');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function validateAll(objects: K8sObject[]): string[] {
  const core = objects.filter((o) => o.apiVersion !== 'monitoring.coreos.com/v1');
  const problems = kubernetesValidate(core);
  for (const o of objects.filter((x) => x.kind === 'ServiceMonitor')) {
    try {
      new ServiceMonitor(o as never).validate();
    } catch (error) {
      problems.push(`ServiceMonitor ${o.metadata.name}: ${(error as Error).message}`);
    }
  }
  return problems;
}

describe('Helm chart deploy/helm/tradewatch', () => {
  it('passes helm lint --strict with the default (plus required secrets) and the production values', () => {
    expect(lintChart({ values: [SECRETS] })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(lintChart(PRODUCTION)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('refuses to render without the secrets, naming the value to set (no default passwords)', () => {
    expect(() => renderChart()).toThrow(HelmError);
    expect(() => renderChart()).toThrow(/questdb\.auth\.httpPassword is required/);
    expect(() => renderChart({ values: [{ ...SECRETS, collector: { auth: { tokens: [] } } }] })).toThrow(/collector\.auth\.tokens is required/);
    expect(() => renderChart({ values: [SECRETS, { collector: { mode: 'sidecar' } }] })).toThrow(/collector\.mode must be statefulset or daemonset/);
    expect(() => renderChart({ values: [SECRETS, { collector: { auth: { tokens: ['short'] } } }] })).toThrow(/every token must be at least 16 characters/);
  });

  describe.each([...rendered.keys()])('rendered with %s values', (name) => {
    const objects = rendered.get(name) ?? [];
    const existing = name === 'production' ? PRODUCTION_SECRETS : [];

    it('renders QuestDB, the collector, Grafana and the retention CronJob', () => {
      const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds).toEqual(expect.arrayContaining(['StatefulSet/tradewatch-questdb', 'Deployment/tradewatch-grafana', 'CronJob/tradewatch-retention']));
      expect(kinds.filter((k) => /^(StatefulSet|DaemonSet)\/tradewatch-collector$/.test(k))).toHaveLength(1);
    });

    it('validates every object against the Kubernetes API schemas (strict: no unknown fields)', () => {
      expect(validateAll(objects)).toEqual([]);
    });

    it('gives the apps only variables they read, and Grafana every variable its provisioning expands', () => {
      const apps = APPS.map((a) => (a.app === 'collector' ? { ...a, kind: collectorKindOf(objects) } : a));
      expect(checkAppEnv(objects, apps)).toEqual([]);
      expect(checkGrafanaEnv(objects)).toEqual([]);
    });

    it('exposes the ports the processes listen on, probes routes they serve, mounts what they are told', () => {
      expect(checkPorts(objects)).toEqual([]);
      expect(checkProbes(objects)).toEqual([]);
      expect(checkMounts(objects)).toEqual([]);
      expect(checkSecretRefs(objects, existing)).toEqual([]);
    });

    it('runs every pod as non-root with a read-only root file system', () => {
      expect(checkSecurity(objects)).toEqual([]);
    });

    it('runs the QuestDB, Grafana and plugin versions docker-compose.yml runs', () => {
      expect(checkVersions(objects, compose)).toEqual([]);
    });
  });

  describe('the checks fail on a broken chart', () => {
    const good = () => structuredClone(rendered.get('default') ?? []);

    it('schema validation rejects a misspelt key and a wrong type', () => {
      const objects = good();
      const collector = find(objects, 'StatefulSet', '-collector');
      (podSpec(collector).containers[0] as unknown as Record<string, unknown>)['readinesProbe'] = { httpGet: { path: '/health/ready', port: 'http' } };
      expect(validateAll([collector]).join('\n')).toMatch(/readinesProbe/);
      const questdb = find(good(), 'StatefulSet', '-questdb');
      (questdb.spec as Record<string, unknown>)['replicas'] = 'one';
      expect(validateAll([questdb]).length).toBeGreaterThan(0);
    });

    it('env, ports, probes, mounts, secrets, security and versions each report a broken object', () => {
      let objects = good();
      containerOf(objects, 'StatefulSet', '-collector', 'collector').env?.push({ name: 'COLLECTOR_NO_SUCH_VARIABLE', value: '1' });
      expect(checkAppEnv(objects, APPS)).toEqual(['StatefulSet -collector: COLLECTOR_NO_SUCH_VARIABLE is set but apps/collector never reads it']);

      objects = good();
      const grafana = containerOf(objects, 'Deployment', '-grafana', 'grafana');
      grafana.env = grafana.env?.filter((e) => e.name !== 'QUESTDB_PG_PASSWORD');
      expect(checkGrafanaEnv(objects)).toEqual(["Grafana's provisioning expands $QUESTDB_PG_PASSWORD, which the Grafana container is not given"]);

      objects = good();
      const port = containerOf(objects, 'StatefulSet', '-collector', 'collector').ports?.[0];
      if (port) port.containerPort = 9999;
      expect(checkPorts(objects).join('\n')).toMatch(/collector containerPort 9999 differs from COLLECTOR_PORT=8080/);

      objects = good();
      const probe = containerOf(objects, 'StatefulSet', '-collector', 'collector').readinessProbe?.httpGet;
      if (probe) probe.path = '/ready';
      expect(checkProbes(objects).join('\n')).toMatch(/path \/ready is not a route the collector serves/);

      objects = good();
      const collector = containerOf(objects, 'StatefulSet', '-collector', 'collector');
      collector.volumeMounts = collector.volumeMounts?.filter((m) => m.name !== 'spool');
      expect(checkMounts(objects).join('\n')).toMatch(/COLLECTOR_SPOOL_DIR=\/data\/spool is not on a mounted volume/);

      objects = good();
      const secret = find(objects, 'Secret', '-collector');
      delete secret.stringData?.['tokens'];
      expect(checkSecretRefs(objects).join('\n')).toMatch(/COLLECTOR_TOKENS reads key tokens, missing from Secret tradewatch-collector/);

      objects = good();
      const sc = podSpec(find(objects, 'Deployment', '-grafana')).securityContext;
      if (sc) delete sc['runAsNonRoot'];
      expect(checkSecurity(objects)).toEqual(['tradewatch-grafana: pod does not set runAsNonRoot']);

      objects = good();
      containerOf(objects, 'StatefulSet', '-questdb', 'questdb').image = 'questdb/questdb:8.0.0';
      expect(checkVersions(objects, compose).join('\n')).toMatch(/QuestDB image questdb\/questdb:8\.0\.0 differs/);
    });
  });

  describe('topologies and channels', () => {
    it('statefulset mode keeps each collector\'s spool on its own claim; daemonset mode on the node', () => {
      const sts = find(rendered.get('production') ?? [], 'StatefulSet', '-collector');
      expect((sts.spec as { replicas: number }).replicas).toBe(2);
      expect((sts.spec as { volumeClaimTemplates: { metadata: { name: string } }[] }).volumeClaimTemplates.map((t) => t.metadata.name)).toEqual(['spool']);
      const ds = find(rendered.get('daemonset') ?? [], 'DaemonSet', '-collector');
      expect(podSpec(ds).volumes?.find((v) => v.name === 'spool')?.hostPath).toEqual({ path: '/var/lib/tradewatch/spool', type: 'DirectoryOrCreate' });
      const env = containerOf(rendered.get('daemonset') ?? [], 'DaemonSet', '-collector', 'collector').env?.find((e) => e.name === 'COLLECTOR_HOST');
      expect(env?.valueFrom?.fieldRef?.fieldPath).toBe('spec.nodeName');
    });

    it('gives the collector time to drain its spool on termination', () => {
      for (const name of rendered.keys()) {
        const objects = rendered.get(name) ?? [];
        const grace = podSpec(find(objects, collectorKindOf(objects), '-collector')).terminationGracePeriodSeconds ?? 30;
        // The collector's default drain timeout is 10 s (shutdown.drainTimeoutMs).
        expect(grace).toBeGreaterThanOrEqual(30);
      }
    });

    it('provisions only the configured alert channels, routing still by severity', () => {
      const channels = (name: string) => {
        const data = find(rendered.get(name) ?? [], 'ConfigMap', '-grafana-provisioning').data ?? {};
        if (data['contact-points.yaml'] === undefined) return { types: [] as string[], receivers: [] as string[] };
        const cps = parseYaml(data['contact-points.yaml']) as { contactPoints: { name: string; receivers: { type: string }[] }[] };
        const policies = parseYaml(data['policies.yaml']) as { policies: { receiver: string; routes: { receiver: string }[] }[] };
        const names = cps.contactPoints.map((c) => c.name);
        for (const p of policies.policies) for (const r of [p.receiver, ...p.routes.map((x) => x.receiver)]) expect(names).toContain(r);
        return { types: [...new Set(cps.contactPoints.flatMap((c) => c.receivers.map((r) => r.type)))].sort(), receivers: names };
      };
      expect(channels('default').types).toEqual([]);
      expect(channels('telegram only').types).toEqual(['telegram']);
      expect(channels('every channel, ServiceMonitor').types).toEqual(['discord', 'email', 'telegram']);
      expect(channels('production').types).toEqual(['email', 'telegram']);
      const grafanaEnv = containerOf(rendered.get('telegram only') ?? [], 'Deployment', '-grafana', 'grafana').env?.map((e) => e.name) ?? [];
      expect(grafanaEnv).toEqual(expect.arrayContaining(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID']));
      expect(grafanaEnv).not.toEqual(expect.arrayContaining(['DISCORD_WEBHOOK_URL']));
    });

    it('lets only the collector, the retention job and Grafana reach QuestDB', () => {
      const policy = find(rendered.get('default') ?? [], 'NetworkPolicy', '-questdb');
      const from = (policy.spec as { ingress: { from?: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: number }[] }[] }).ingress;
      const components = from.flatMap((rule) => (rule.from ?? []).map((f) => `${f.podSelector.matchLabels['app.kubernetes.io/component']}:${rule.ports.map((p) => p.port).join(',')}`));
      expect(components.sort()).toEqual(['collector:9000', 'grafana:8812', 'retention:9000']);
    });

    it('scrapes /metrics with the read-only scrape token when the ServiceMonitor is on', () => {
      const sm = find(rendered.get('every channel, ServiceMonitor') ?? [], 'ServiceMonitor', '-collector');
      const endpoint = (sm.spec as { endpoints: { path: string; authorization: { credentials: { key: string } } }[] }).endpoints[0];
      expect(endpoint.path).toBe('/metrics');
      expect(endpoint.authorization.credentials.key).toBe('scrape-token');
      expect(find(rendered.get('every channel, ServiceMonitor') ?? [], 'Secret', '-collector').stringData?.['scrape-token']).toBe('ci-scrape-token-0123456789');
    });
  });
});
