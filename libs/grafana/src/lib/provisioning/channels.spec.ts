import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contactPointFileSchema } from '../alerting/file-format';
import { SELECT_CHANNELS_SCRIPT } from './channels';

// Runs the committed deploy/grafana/select-channels.sh with /bin/sh, as Grafana's container does.
const DEPLOY = join(__dirname, '../../../../../deploy/grafana');

function select(env: Record<string, string>): { files: string[]; types: string[]; said: string } {
  const dst = join(mkdtempSync(join(tmpdir(), 'tw-channels-')), 'provisioning');
  try {
    const said = execFileSync('sh', [join(DEPLOY, SELECT_CHANNELS_SCRIPT), DEPLOY, dst], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const files = readdirSync(join(dst, 'alerting')).sort();
    const types = files.includes('contact-points.yaml')
      ? contactPointFileSchema.parse(parse(readFileSync(join(dst, 'alerting/contact-points.yaml'), 'utf8'))).contactPoints.flatMap((c) => c.receivers.map((r) => r.type))
      : [];
    return { files, types: [...new Set(types)].sort(), said };
  } finally {
    rmSync(join(dst, '..'), { recursive: true, force: true });
  }
}

describe('select-channels.sh', () => {
  it('with only Telegram set, provisions Telegram alone', () => {
    expect(select({ TELEGRAM_BOT_TOKEN: 't', TELEGRAM_CHAT_ID: 'c', DISCORD_WEBHOOK_URL: '' })).toMatchObject({
      files: ['alert-rules.yaml', 'contact-points.yaml', 'policies.yaml'],
      types: ['telegram'],
    });
  });

  it('needs every variable of a channel (email needs the SMTP host too)', () => {
    expect(select({ TELEGRAM_BOT_TOKEN: 't', ALERT_EMAIL_ADDRESSES: 'a@example.com' }).types).toEqual([]);
    expect(select({ DISCORD_WEBHOOK_URL: 'https://d', ALERT_EMAIL_ADDRESSES: 'a@example.com', GF_SMTP_HOST: 'smtp:25' }).types).toEqual(['discord', 'email']);
  });

  it('with no channel, provisions the rules and no contact point', () => {
    expect(select({}).files).toEqual(['alert-rules.yaml']);
  });
});
