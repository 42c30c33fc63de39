import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT, repoPath } from './repo';

export const CHART_DIR = 'deploy/helm/tradewatch';
/** The Kubernetes version the chart is rendered and validated for. */
export const KUBE_VERSION = '1.33.0';

/** A rendered Kubernetes object, loosely typed: the checks read what they need. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; configMap?: { name: string; items?: { key: string; path: string }[] }; persistentVolumeClaim?: unknown; hostPath?: unknown; emptyDir?: unknown }[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
}

/** The pinned helm: HELM_BIN, else the one tools/helm/install-helm.sh builds, else PATH. */
export function helmBinary(): string {
  if (process.env['HELM_BIN']) return process.env['HELM_BIN'];
  const cached = join(homedir(), '.cache/tradewatch/bin/helm');
  return existsSync(cached) ? cached : 'helm';
}

export class HelmError extends Error {
  readonly code = 'HELM_FAILED';
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'HelmError';
  }
}

function runHelm(args: string[]): string {
  try {
    return execFileSync(helmBinary(), args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = error as { stderr?: string; code?: string; message: string };
    if (e.code === 'ENOENT') throw new HelmError(`helm not found: run tools/helm/install-helm.sh (or set HELM_BIN)`, '');
    // The chart links deploy/grafana and server.conf into files/; helm notes each link on stderr.
    const stderr = (e.stderr ?? '').split('\n').filter((l) => !/found symbolic link in path/.test(l)).join('\n').trim();
    throw new HelmError(`helm ${args[0]} failed: ${stderr || e.message}`, e.stderr ?? '');
  }
}

/** Values given as a nested object, written to a temporary values file for one helm call. */
function withValuesFiles<T>(values: Record<string, unknown>[], run: (files: string[]) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tw-helm-'));
  try {
    const files = values.map((v, i) => {
      const path = join(dir, `values-${i}.json`);
      writeFileSync(path, JSON.stringify(v));
      return path;
    });
    return run(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RenderOptions {
  /** Chart values files, relative to the chart (e.g. values-production.yaml). */
  valuesFiles?: string[];
  /** Extra values, applied after the files. */
  values?: Record<string, unknown>[];
}

function valueArgs(options: RenderOptions, files: string[]): string[] {
  return [...(options.valuesFiles ?? []).flatMap((f) => ['-f', join(CHART_DIR, f)]), ...files.flatMap((f) => ['-f', f])];
}

/** `helm template` of the chart, parsed into objects. */
export function renderChart(options: RenderOptions = {}): K8sObject[] {
  return withValuesFiles(options.values ?? [], (files) => {
    const out = runHelm(['template', 'tradewatch', CHART_DIR, '--namespace', 'monitoring', '--kube-version', KUBE_VERSION, ...valueArgs(options, files)]);
    return parseAllDocuments(out)
      .map((d) => {
        if (d.errors.length > 0) throw new Error(`helm template produced invalid YAML: ${d.errors[0].message}`);
        return d.toJS() as K8sObject | null;
      })
      .filter((o): o is K8sObject => o !== null);
  });
}

/** `helm lint --strict`; returns its output, throws HelmError on a lint failure. */
export function lintChart(options: RenderOptions = {}): string {
  return withValuesFiles(options.values ?? [], (files) => runHelm(['lint', '--strict', '--kube-version', KUBE_VERSION, CHART_DIR, ...valueArgs(options, files)]));
}

/** The rendered text of one run, for validators that read files. */
export function renderChartText(options: RenderOptions = {}): string {
  return withValuesFiles(options.values ?? [], (files) =>
    runHelm(['template', 'tradewatch', CHART_DIR, '--namespace', 'monitoring', '--kube-version', KUBE_VERSION, ...valueArgs(options, files)]),
  );
}

export function find(objects: K8sObject[], kind: string, nameSuffix: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.endsWith(nameSuffix));
  if (!found) throw new Error(`no ${kind} named *${nameSuffix} in the rendered chart`);
  return found;
}

/** The pod template of a workload (StatefulSet, DaemonSet, Deployment, CronJob). */
export function podSpec(workload: K8sObject): PodSpec {
  const spec = workload.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  const pod = spec.template?.spec ?? spec.jobTemplate?.spec.template.spec;
  if (!pod) throw new Error(`${workload.kind} ${workload.metadata.name} has no pod template`);
  return pod;
}

export const WORKLOAD_KINDS = ['StatefulSet', 'DaemonSet', 'Deployment', 'CronJob'];

/** Path of the repo's Python virtual environment tool (kubernetes-validate). */
export function venvTool(name: string): string {
  return repoPath('.venv', 'bin', name);
}
