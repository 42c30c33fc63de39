import { RestClient } from '@tradewatch/questdb-client';
import { checkCollector, checkFreshness, checkGrafana, checkQuestDb, type CheckResult } from './checks';
import { checkAlertChannels } from './alert-channels';
import type { HealthConfig } from './health-config';

export interface HealthReport {
  healthy: boolean;
  checkedAt: string;
  checks: CheckResult[];
}

/**
 * Runs every configured check at once; `skipped` checks do not make the stack unhealthy. With
 * `alertEnv` (the alert channel variables Grafana gets), also says which channels are not configured.
 */
export async function runHealthChecks(config: Omit<HealthConfig, 'json'>, alertEnv?: Readonly<Record<string, string | undefined>>): Promise<HealthReport> {
  const rest = new RestClient(config.questdb);
  const checks = await Promise.all([
    checkQuestDb(rest, config.questdb.url, config.timeoutMs),
    config.collectorUrl
      ? checkCollector(config.collectorUrl, config.timeoutMs)
      : Promise.resolve<CheckResult>({ name: 'collector', status: 'skipped', detail: 'skipped (--skip collector)' }),
    config.grafanaUrl
      ? checkGrafana(config.grafanaUrl, config.timeoutMs)
      : Promise.resolve<CheckResult>({ name: 'grafana', status: 'skipped', detail: 'not configured (set GRAFANA_URL or --grafana-url)' }),
    ...config.freshness.map(({ table, maxAgeMs }) => checkFreshness(rest, table, maxAgeMs, config.timeoutMs)),
    ...(alertEnv ? [Promise.resolve(checkAlertChannels(alertEnv))] : []),
  ]);
  return { healthy: checks.every((c) => c.status !== 'fail'), checkedAt: new Date().toISOString(), checks };
}

export function exitCodeFor(report: HealthReport): 0 | 1 {
  return report.healthy ? 0 : 1;
}

const STATUS_TEXT = { ok: 'ok', fail: 'FAIL', skipped: 'skip' } as const;

/** A fixed-width table for people, ending with the verdict. */
export function renderHealthTable(report: HealthReport): string {
  const rows = [['CHECK', 'STATUS', 'DETAIL'], ...report.checks.map((c) => [c.name, STATUS_TEXT[c.status], c.detail])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`);
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const ok = report.checks.filter((c) => c.status === 'ok').length;
  const verdict = report.healthy
    ? `healthy (${ok} ${ok === 1 ? 'check' : 'checks'} ok)`
    : `UNHEALTHY (${failed} of ${report.checks.length} checks failed)`;
  return `${lines.join('\n')}\n\n${verdict}\n`;
}

export function renderHealthJson(report: HealthReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
