import * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import { ALERT_CHANNELS, type AlertChannel } from '@tradewatch/models';

/** Secrets and addresses come from Grafana's environment; provisioning files only name them. */
export const CONTACT_POINT_ENV = ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'DISCORD_WEBHOOK_URL', 'ALERT_EMAIL_ADDRESSES'] as const;

export const RECEIVERS = {
  /** Critical alerts: every configured channel (Telegram, Discord, email). */
  critical: 'tradewatch-critical',
  /** Warnings (and anything unrouted): Telegram only, when Telegram is configured. */
  telegram: 'tradewatch-telegram',
} as const;

const ALL_CHANNELS: readonly AlertChannel[] = ALERT_CHANNELS.map((c) => c.id);

const integration = (channel: AlertChannel, uid: string, name: string): alerting.ContactPointBuilder => {
  const b = new alerting.ContactPointBuilder().uid(uid).name(name).type(channel);
  switch (channel) {
    case 'telegram':
      return b.settings({ bottoken: '${TELEGRAM_BOT_TOKEN}', chatid: '${TELEGRAM_CHAT_ID}' });
    case 'discord':
      return b.settings({ url: '${DISCORD_WEBHOOK_URL}', use_discord_username: false });
    case 'email':
      return b.settings({ addresses: '${ALERT_EMAIL_ADDRESSES}', singleEmail: true });
  }
};

/**
 * The integrations for the configured channels; integrations sharing a name form one contact
 * point. Critical alerts go to every configured channel; warnings to Telegram when configured.
 */
export function contactPointBuilders(channels: readonly AlertChannel[] = ALL_CHANNELS): alerting.ContactPointBuilder[] {
  const has = new Set(channels);
  const critical = ALL_CHANNELS.filter((c) => has.has(c)).map((c) => integration(c, `tw-critical-${c}`, RECEIVERS.critical));
  return has.has('telegram') ? [...critical, integration('telegram', 'tw-warning-telegram', RECEIVERS.telegram)] : critical;
}

/** Labels that name what is at fault; notifications are grouped by alert name and these. */
export const FAULT_LABELS = ['host', 'exchange', 'data_type', 'strategy', 'collector'] as const;

/**
 * Root policy: group by alert and fault; `critical` to all configured channels, `warning` to
 * Telegram (or, without Telegram, to the critical contact point: a warning still reaches someone).
 */
export function notificationPolicyBuilder(channels: readonly AlertChannel[] = ALL_CHANNELS): alerting.NotificationPolicyBuilder {
  const warning = channels.includes('telegram') ? RECEIVERS.telegram : RECEIVERS.critical;
  return new alerting.NotificationPolicyBuilder()
    .receiver(warning)
    .groupBy(['alertname', ...FAULT_LABELS])
    .groupWait('30s')
    .groupInterval('5m')
    .repeatInterval('4h')
    .routes([
      new alerting.NotificationPolicyBuilder().receiver(RECEIVERS.critical).objectMatchers([['severity', '=', 'critical']]),
      new alerting.NotificationPolicyBuilder().receiver(warning).objectMatchers([['severity', '=', 'warning']]),
    ]);
}
