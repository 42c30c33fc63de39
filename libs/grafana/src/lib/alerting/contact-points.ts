import * as alerting from '@grafana/grafana-foundation-sdk/alerting';

/** Secrets and addresses come from Grafana's environment; provisioning files only name them. */
export const CONTACT_POINT_ENV = ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_CHAT_ID', 'DISCORD_WEBHOOK_URL', 'ALERT_EMAIL_ADDRESSES'] as const;

export const RECEIVERS = {
  /** Critical alerts: Telegram, Discord and email. */
  critical: 'tradewatch-critical',
  /** Warnings (and anything unrouted): Telegram only. */
  telegram: 'tradewatch-telegram',
} as const;

const telegram = (uid: string, name: string) =>
  new alerting.ContactPointBuilder()
    .uid(uid)
    .name(name)
    .type('telegram')
    .settings({ bottoken: '${TELEGRAM_BOT_TOKEN}', chatid: '${TELEGRAM_CHAT_ID}' });

/** The integrations; integrations sharing a name form one contact point. */
export function contactPointBuilders(): alerting.ContactPointBuilder[] {
  return [
    telegram('tw-critical-telegram', RECEIVERS.critical),
    new alerting.ContactPointBuilder()
      .uid('tw-critical-discord')
      .name(RECEIVERS.critical)
      .type('discord')
      .settings({ url: '${DISCORD_WEBHOOK_URL}', use_discord_username: false }),
    new alerting.ContactPointBuilder()
      .uid('tw-critical-email')
      .name(RECEIVERS.critical)
      .type('email')
      .settings({ addresses: '${ALERT_EMAIL_ADDRESSES}', singleEmail: true }),
    telegram('tw-warning-telegram', RECEIVERS.telegram),
  ];
}

/** Labels that name what is at fault; notifications are grouped by alert name and these. */
export const FAULT_LABELS = ['host', 'exchange', 'data_type', 'strategy', 'collector'] as const;

/** Root policy: group by alert and fault; `critical` to all channels, `warning` to Telegram. */
export function notificationPolicyBuilder(): alerting.NotificationPolicyBuilder {
  return new alerting.NotificationPolicyBuilder()
    .receiver(RECEIVERS.telegram)
    .groupBy(['alertname', ...FAULT_LABELS])
    .groupWait('30s')
    .groupInterval('5m')
    .repeatInterval('4h')
    .routes([
      new alerting.NotificationPolicyBuilder().receiver(RECEIVERS.critical).objectMatchers([['severity', '=', 'critical']]),
      new alerting.NotificationPolicyBuilder().receiver(RECEIVERS.telegram).objectMatchers([['severity', '=', 'warning']]),
    ]);
}
