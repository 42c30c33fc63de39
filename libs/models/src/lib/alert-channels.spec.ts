import { channelSetName, configuredAlertChannels } from './alert-channels';

describe('alert channels', () => {
  it('counts a channel only when every one of its variables is set, in a fixed order', () => {
    expect(configuredAlertChannels({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_CHAT_ID: 'c', DISCORD_WEBHOOK_URL: '' })).toEqual(['telegram']);
    expect(configuredAlertChannels({ TELEGRAM_BOT_TOKEN: 't', ALERT_EMAIL_ADDRESSES: 'a@x' })).toEqual([]);
    expect(configuredAlertChannels({ ALERT_EMAIL_ADDRESSES: 'a@x', GF_SMTP_HOST: 'smtp:25', DISCORD_WEBHOOK_URL: 'https://d' })).toEqual(['discord', 'email']);
  });

  it('names a set as its directory under deploy/grafana/channels', () => {
    expect(channelSetName(['email', 'telegram'])).toBe('telegram+email');
    expect(channelSetName([])).toBe('none');
  });
});
