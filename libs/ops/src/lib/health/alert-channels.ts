import { ALERT_CHANNELS, configuredAlertChannels } from '@tradewatch/models';
import type { CheckResult } from './checks';

/**
 * Which alert channels Grafana is provisioned with (the same variables select-channels.sh reads):
 * ok while at least one is configured, naming the ones that are not; skipped, not failed, when
 * none is (the stack runs, alerts only show in Grafana).
 */
export function checkAlertChannels(env: Readonly<Record<string, string | undefined>>): CheckResult {
  const configured = new Set(configuredAlertChannels(env));
  const missing = ALERT_CHANNELS.filter((c) => !configured.has(c.id)).map((c) => `${c.label} (${c.env.join(', ')})`);
  const names = ALERT_CHANNELS.filter((c) => configured.has(c.id)).map((c) => c.label);
  if (names.length === 0) {
    return { name: 'alert-channels', status: 'skipped', detail: `no alert channel configured: alerts show only in Grafana; not configured: ${missing.join(', ')}` };
  }
  return { name: 'alert-channels', status: 'ok', detail: `alerts go to ${names.join(', ')}${missing.length ? `; not configured: ${missing.join(', ')}` : ''}` };
}
