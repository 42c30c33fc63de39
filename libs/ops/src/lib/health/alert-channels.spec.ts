import { checkAlertChannels } from './alert-channels';

describe('checkAlertChannels', () => {
  it('names the configured channels and the ones that are not', () => {
    expect(checkAlertChannels({ TELEGRAM_BOT_TOKEN: 'set', TELEGRAM_CHAT_ID: 'set', DISCORD_WEBHOOK_URL: '' })).toEqual({
      name: 'alert-channels',
      status: 'ok',
      detail: 'alerts go to Telegram; not configured: Discord (DISCORD_WEBHOOK_URL), email (ALERT_EMAIL_ADDRESSES, GF_SMTP_HOST)',
    });
  });

  it('is skipped, not failed, with no channel, and counts email only with its SMTP host', () => {
    const r = checkAlertChannels({ ALERT_EMAIL_ADDRESSES: 'set' });
    expect(r.status).toBe('skipped');
    expect(r.detail).toMatch(/^no alert channel configured: alerts show only in Grafana; not configured: Telegram .*email \(ALERT_EMAIL_ADDRESSES, GF_SMTP_HOST\)$/);
    expect(checkAlertChannels({ ALERT_EMAIL_ADDRESSES: 'set', GF_SMTP_HOST: 'set', DISCORD_WEBHOOK_URL: 'set', TELEGRAM_BOT_TOKEN: 'set', TELEGRAM_CHAT_ID: 'set' }).detail).toBe('alerts go to Telegram, Discord, email');
  });
});
