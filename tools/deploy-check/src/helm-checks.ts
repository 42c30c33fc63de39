import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ComposeFile } from './compose-file';
import { variableUses } from './compose-interpolation';
import { WORKLOAD_KINDS, find, podSpec, type Container, type K8sObject, type PodSpec } from './helm-chart';
import { readText, repoPath, strings } from './repo';

// Consistency checks between the rendered Helm chart and what the apps read and serve. Each
// returns a list of problems (empty = consistent), so a test can show that it fails on a broken
// input as well as passing on the real one.

function sourceText(dirs: string[]): string {
  const files = (dir: string): string[] =>
    readdirSync(repoPath(dir)).flatMap((name) => {
      const path = join(dir, name);
      if (name === 'node_modules' || name.startsWith('.')) return [];
      if (statSync(repoPath(path)).isDirectory()) return files(path);
      return /\.ts$/.test(name) && !/\.spec\.ts$/.test(name) ? [path] : [];
    });
  return dirs.flatMap(files).map(readText).join('\n');
}

let cachedSources: Map<string, string> | undefined;
/** The non-test TypeScript an app runs: its own source and every lib. */
function appSource(app: string): string {
  cachedSources ??= new Map();
  let text = cachedSources.get(app);
  if (text === undefined) {
    text = sourceText([`apps/${app}/src`, 'libs']);
    cachedSources.set(app, text);
  }
  return text;
}

export function containerOf(objects: K8sObject[], kind: string, nameSuffix: string, container: string): Container {
  const pod = podSpec(find(objects, kind, nameSuffix));
  const c = pod.containers.find((x) => x.name === container);
  if (!c) throw new Error(`${kind} *${nameSuffix} has no container ${container}`);
  return c;
}

/** The collector runs as a StatefulSet or, in daemonset mode, as a DaemonSet. */
export function collectorKindOf(objects: K8sObject[]): 'StatefulSet' | 'DaemonSet' {
  return objects.some((o) => o.kind === 'DaemonSet' && o.metadata.name.endsWith('-collector')) ? 'DaemonSet' : 'StatefulSet';
}

const envNames = (c: Container) => (c.env ?? []).map((e) => e.name);
const envValue = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;

/** Every variable a Tradewatch app container is given is one the app reads. */
export function checkAppEnv(objects: K8sObject[], apps: { kind: string; name: string; container: string; app: string }[]): string[] {
  return apps.flatMap(({ kind, name, container, app }) => {
    const source = appSource(app);
    return envNames(containerOf(objects, kind, name, container))
      .filter((v) => !new RegExp(`\\b${v}\\b`).test(source))
      .map((v) => `${kind} ${name}: ${v} is set but apps/${app} never reads it`);
  });
}

/** Grafana gets every variable its provisioning files expand (those it mounts). */
export function checkGrafanaEnv(objects: K8sObject[]): string[] {
  const grafana = containerOf(objects, 'Deployment', '-grafana', 'grafana');
  const provisioning = find(objects, 'ConfigMap', '-grafana-provisioning').data ?? {};
  const expanded = (path: string[]) => !path.includes('model') && !path.includes('annotations');
  const needed = new Set(
    Object.values(provisioning).flatMap((text) =>
      [...strings(parseYaml(text))].filter((s) => expanded(s.path)).flatMap((s) => variableUses(s.value).map((u) => u.name)),
    ),
  );
  const have = new Set(envNames(grafana));
  return [...needed].filter((v) => !have.has(v)).map((v) => `Grafana's provisioning expands $${v}, which the Grafana container is not given`);
}

/** Container ports are the ones the processes listen on; Services target named ports that exist. */
export function checkPorts(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const conf = readText('deploy/questdb/server.conf');
  const listen = (key: string) => Number(new RegExp(`^${key.replace(/\./g, '\\.')}=0\\.0\\.0\\.0:(\\d+)$`, 'm').exec(conf)?.[1]);
  const questdb = objects.some((o) => o.kind === 'StatefulSet' && o.metadata.name.endsWith('-questdb'));
  if (questdb) {
    const q = containerOf(objects, 'StatefulSet', '-questdb', 'questdb');
    const ports = new Map((q.ports ?? []).map((p) => [p.name, p.containerPort]));
    const expected = { http: listen('http.bind.to'), pgwire: listen('pg.net.bind.to'), health: listen('http.min.net.bind.to') };
    for (const [name, port] of Object.entries(expected)) {
      if (ports.get(name) !== port) problems.push(`QuestDB port ${name} is ${ports.get(name)}, server.conf listens on ${port}`);
    }
  }
  const collectorKind = collectorKindOf(objects);
  const collector = containerOf(objects, collectorKind, '-collector', 'collector');
  const http = collector.ports?.find((p) => p.name === 'http')?.containerPort;
  if (String(http) !== envValue(collector, 'COLLECTOR_PORT')) {
    problems.push(`collector containerPort ${http} differs from COLLECTOR_PORT=${envValue(collector, 'COLLECTOR_PORT')}`);
  }
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string | number }[] };
    const pods = objects
      .filter((o) => WORKLOAD_KINDS.includes(o.kind))
      .filter((o) => {
        const labels = (o.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels ?? {};
        return Object.entries(spec.selector).every(([k, v]) => labels[k] === v);
      });
    if (pods.length === 0) problems.push(`Service ${svc.metadata.name} selects no pod`);
    for (const port of spec.ports) {
      const named = pods.some((w) => podSpec(w).containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort || p.containerPort === port.targetPort)));
      if (!named) problems.push(`Service ${svc.metadata.name} targets port ${port.targetPort}, which no selected container exposes`);
    }
  }
  return problems;
}

/** HTTP probes call paths the apps serve, on ports the container exposes. */
export function checkProbes(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const collectorSource = sourceText(['apps/collector/src', 'libs/collectors/src']);
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    for (const c of podSpec(workload).containers) {
      for (const [kind, probe] of Object.entries({ readiness: c.readinessProbe, liveness: c.livenessProbe, startup: c.startupProbe })) {
        const get = probe?.httpGet;
        if (!get) continue;
        if (!(c.ports ?? []).some((p) => p.name === get.port || p.containerPort === get.port)) {
          problems.push(`${workload.metadata.name}/${c.name} ${kind} probe uses port ${get.port}, which the container does not expose`);
        }
        if (c.name === 'collector' && !collectorSource.includes(`'${get.path}'`)) {
          problems.push(`collector ${kind} probe path ${get.path} is not a route the collector serves`);
        }
      }
    }
  }
  const collectorKind = collectorKindOf(objects);
  const collector = containerOf(objects, collectorKind, '-collector', 'collector');
  if (collector.readinessProbe?.httpGet?.path !== '/health/ready') problems.push('collector readiness must come from /health/ready');
  if (collector.livenessProbe?.httpGet?.path !== '/health/live') problems.push('collector liveness must come from /health/live');
  return problems;
}

/** Paths the apps are told about are mounted, and mounts refer to volumes and keys that exist. */
export function checkMounts(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, o.data ?? {}]));
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    const pod: PodSpec = podSpec(workload);
    const volumes = new Map((pod.volumes ?? []).map((v) => [v.name, v]));
    const claims = ((workload.spec as { volumeClaimTemplates?: { metadata: { name: string } }[] }).volumeClaimTemplates ?? []).map((t) => t.metadata.name);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
      for (const m of c.volumeMounts ?? []) {
        const v = volumes.get(m.name);
        if (!v && !claims.includes(m.name)) problems.push(`${workload.metadata.name}/${c.name} mounts ${m.name}, which is neither a volume nor a claim template`);
        const cm = v?.configMap;
        if (cm) {
          const data = configMaps.get(cm.name);
          if (!data) problems.push(`${workload.metadata.name}: volume ${m.name} uses ConfigMap ${cm.name}, which the chart does not render`);
          // A subPath mount names one key; otherwise the listed items (all keys when none are listed).
          const keys = m.subPath ? [m.subPath] : (cm.items ?? []).map((i) => i.key);
          for (const key of keys) if (data && data[key] === undefined) problems.push(`${workload.metadata.name}: ConfigMap ${cm.name} has no key ${key}`);
        }
      }
    }
  }
  const collectorKind = collectorKindOf(objects);
  const collector = containerOf(objects, collectorKind, '-collector', 'collector');
  const mounted = (path: string | undefined) => path !== undefined && (collector.volumeMounts ?? []).some((m) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
  for (const v of ['COLLECTOR_SPOOL_DIR', 'COLLECTOR_CONFIG']) {
    if (!mounted(envValue(collector, v))) problems.push(`collector ${v}=${envValue(collector, v)} is not on a mounted volume (the root file system is read-only)`);
  }
  const config = envValue(collector, 'COLLECTOR_CONFIG') ?? '';
  const configMount = (collector.volumeMounts ?? []).find((m) => config.startsWith(`${m.mountPath}/`));
  const configVolume = podSpec(find(objects, collectorKind, '-collector')).volumes?.find((v) => v.name === configMount?.name);
  const file = config.slice((configMount?.mountPath.length ?? 0) + 1);
  if (configVolume?.configMap && configMaps.get(configVolume.configMap.name)?.[file] === undefined) {
    problems.push(`COLLECTOR_CONFIG names ${file}, which the collector's ConfigMap does not hold`);
  }
  if (objects.some((o) => o.kind === 'Deployment' && o.metadata.name.endsWith('-grafana'))) {
    const grafana = containerOf(objects, 'Deployment', '-grafana', 'grafana');
    const providers = parseYaml(find(objects, 'ConfigMap', '-grafana-provisioning').data?.['dashboards.yaml'] ?? '') as { providers: { options: { path: string } }[] };
    for (const p of providers.providers) {
      if (!(grafana.volumeMounts ?? []).some((m) => m.mountPath === p.options.path)) problems.push(`Grafana's dashboard provider reads ${p.options.path}, where nothing is mounted`);
    }
  }
  return problems;
}

/** Every secretKeyRef names a Secret the chart renders, with that key (or is optional). */
export function checkSecretRefs(objects: K8sObject[], existing: string[] = []): string[] {
  const secrets = new Map(objects.filter((o) => o.kind === 'Secret').map((o) => [o.metadata.name, Object.keys({ ...o.stringData, ...o.data })]));
  const problems: string[] = [];
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    for (const c of podSpec(workload).containers) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef as { name: string; key: string; optional?: boolean } | undefined;
        if (!ref || existing.includes(ref.name)) continue;
        const keys = secrets.get(ref.name);
        if (!keys) problems.push(`${workload.metadata.name}/${c.name} ${e.name} reads Secret ${ref.name}, which the chart does not render`);
        else if (!keys.includes(ref.key) && !ref.optional) problems.push(`${workload.metadata.name}/${c.name} ${e.name} reads key ${ref.key}, missing from Secret ${ref.name}`);
      }
    }
  }
  return problems;
}

/** Non-root pods, read-only root file systems, no privilege escalation. */
export function checkSecurity(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.includes(o.kind))) {
    const pod = podSpec(workload);
    if (pod.securityContext?.['runAsNonRoot'] !== true) problems.push(`${workload.metadata.name}: pod does not set runAsNonRoot`);
    for (const c of pod.containers) {
      const sc = (c as Container & { securityContext?: Record<string, unknown> }).securityContext ?? {};
      if (sc['readOnlyRootFilesystem'] !== true) problems.push(`${workload.metadata.name}/${c.name}: root file system is writable`);
      if (sc['allowPrivilegeEscalation'] !== false) problems.push(`${workload.metadata.name}/${c.name}: privilege escalation allowed`);
    }
  }
  return problems;
}

/** The chart runs the same QuestDB, Grafana and plugin versions as docker-compose.yml. */
export function checkVersions(objects: K8sObject[], compose: ComposeFile): string[] {
  const problems: string[] = [];
  const image = (kind: string, name: string, container: string) => containerOf(objects, kind, name, container).image;
  if (image('StatefulSet', '-questdb', 'questdb') !== compose.services['questdb'].image) {
    problems.push(`QuestDB image ${image('StatefulSet', '-questdb', 'questdb')} differs from compose's ${compose.services['questdb'].image}`);
  }
  if (image('Deployment', '-grafana', 'grafana') !== compose.services['grafana'].image) {
    problems.push(`Grafana image ${image('Deployment', '-grafana', 'grafana')} differs from compose's ${compose.services['grafana'].image}`);
  }
  const plugin = envValue(containerOf(objects, 'Deployment', '-grafana', 'grafana'), 'GF_PLUGINS_PREINSTALL_SYNC');
  if (plugin !== compose.services['grafana'].environment?.['GF_PLUGINS_PREINSTALL_SYNC']) {
    problems.push(`Grafana plugin ${plugin} differs from compose's ${compose.services['grafana'].environment?.['GF_PLUGINS_PREINSTALL_SYNC']}`);
  }
  return problems;
}
