/**
 * The alert notification channels Grafana can be provisioned with, and the environment variables
 * (as Grafana's container sees them) that configure each. A channel is configured when all of its
 * variables are non-empty; contact points are provisioned only for configured channels
 * (libs/grafana), and the healthcheck names the ones that are not (libs/ops).
 */
export const ALERT_CHANNELS = [
  { id: 'telegram', label: 'Telegram', env: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID'] },
  { id: 'discord', label: 'Discord', env: ['DISCORD_WEBHOOK_URL'] },
  // Grafana sends email only through an SMTP relay.
  { id: 'email', label: 'email', env: ['ALERT_EMAIL_ADDRESSES', 'GF_SMTP_HOST'] },
] as const;

export type AlertChannel = (typeof ALERT_CHANNELS)[number]['id'];

/** The configured channels, in ALERT_CHANNELS order. */
export function configuredAlertChannels(env: Readonly<Record<string, string | undefined>>): AlertChannel[] {
  return ALERT_CHANNELS.filter((c) => c.env.every((name) => (env[name] ?? '') !== '')).map((c) => c.id);
}

/** The name of a set of channels (`telegram+email`, or `none`): a directory under deploy/grafana/channels. */
export function channelSetName(channels: readonly AlertChannel[]): string {
  const set = new Set(channels);
  return ALERT_CHANNELS.filter((c) => set.has(c.id)).map((c) => c.id).join('+') || 'none';
}
