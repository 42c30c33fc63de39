import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DASHBOARDS } from '../dashboards';
import { QUESTDB_DATASOURCE } from '../datasource';
import { contactPointFileSchema, DURATION, policyFileSchema, ruleFileSchema, type PolicyRoute } from './file-format';
import { RULE_GROUPS } from './rules';
import { EXPRESSION_DATASOURCE_UID } from './sdk-rules';

// The committed files Grafana loads (output.spec.ts checks they are what the code generates).
const DEPLOY = join(__dirname, '../../../../../deploy/grafana');
const load = (file: string) => parse(readFileSync(join(DEPLOY, file), 'utf8')) as unknown;
const rules = ruleFileSchema.parse(load('provisioning/alerting/alert-rules.yaml'));
// Every channel configured (the other channel sets are checked below).
const contactPoints = contactPointFileSchema.parse(load('channels/telegram+discord+email/contact-points.yaml'));
const policies = policyFileSchema.parse(load('channels/telegram+discord+email/policies.yaml'));
const allRules = rules.groups.flatMap((g) => g.rules);

describe('alerting provisioning files', () => {
  it('parse and fit Grafana file provisioning (apiVersion 1, groups with folder and duration interval)', () => {
    expect(rules.groups.map((g) => [g.name, g.folder, g.interval])).toEqual([
      ['collector', 'Tradewatch', '30s'],
      ['daemons', 'Tradewatch', '30s'],
      ['exchanges', 'Tradewatch', '30s'],
      ['pipeline', 'Tradewatch', '1m'],
      ['trading', 'Tradewatch', '30s'],
    ]);
  });

  it('have every rule the spec names', () => {
    expect(allRules.map((r) => r.title)).toEqual([
      'Collector heartbeat missing',
      'Daemon down or stale', 'Daemon memory high', 'Daemon CPU high', 'Daemon error rate high',
      'Exchange disconnected', 'Exchange feed stale', 'Exchange latency high', 'Exchange reconnect storm',
      'Exchange REST error rate high', 'Exchange rate-limit storm',
      'Pipeline data gap', 'OI fetches stalled', 'Strategy drawdown warning', 'Strategy drawdown critical', 'Strategy silent',
    ]);
  });

  it('use unique uids for rules and contact point integrations', () => {
    const ruleUids = allRules.map((r) => r.uid);
    expect(new Set(ruleUids).size).toBe(ruleUids.length);
    const receiverUids = contactPoints.contactPoints.flatMap((c) => c.receivers.map((r) => r.uid));
    expect(new Set(receiverUids).size).toBe(receiverUids.length);
  });

  it('name an existing refId in each condition and expression, query the provisioned datasource, with valid durations', () => {
    for (const rule of allRules) {
      const refIds = rule.data.map((q) => q.refId);
      expect({ rule: rule.uid, condition: refIds.includes(rule.condition) }).toEqual({ rule: rule.uid, condition: true });
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const q of rule.data) {
        expect(q.model.refId).toBe(q.refId);
        if (q.datasourceUid === EXPRESSION_DATASOURCE_UID) {
          expect(refIds).toContain(q.model['expression']);
        } else {
          expect(q.datasourceUid).toBe(QUESTDB_DATASOURCE.uid);
          expect(q.model).toMatchObject({ queryType: 'sql', format: 0, datasource: { uid: QUESTDB_DATASOURCE.uid } });
          expect(q.model['rawSql']).toContain('$__timeFilter(timestamp)');
          expect(q.relativeTimeRange?.from).toBeGreaterThan(0);
        }
      }
      expect(rule.for).toMatch(DURATION);
    }
  });

  it('give each rule a severity, summary and description, and a link to an existing dashboard panel', () => {
    for (const rule of allRules) {
      expect(['warning', 'critical']).toContain(rule.labels['severity']);
      expect(rule.annotations['summary']).toMatch(/\{\{ \$labels\.(host|exchange|strategy|data_type|collector) \}\}/);
      expect(rule.annotations['description']).toMatch(/\{\{ \$labels\.(host|exchange|strategy|collector) \}\}/);
      const dashboard = DASHBOARDS.find((d) => d.uid === rule.annotations['__dashboardUid__']);
      const panelIds = (dashboard?.build().panels ?? []).map((p) => String(p.id));
      expect({ rule: rule.uid, linked: panelIds.includes(rule.annotations['__panelId__']) }).toEqual({ rule: rule.uid, linked: true });
    }
  });

  it('route every severity: critical to Telegram, Discord and email, warning to Telegram only', () => {
    const policy = policies.policies[0];
    const receiverOf = (severity: string) =>
      policy.routes.find((r: PolicyRoute) => r.object_matchers?.some(([l, op, v]) => l === 'severity' && op === '=' && v === severity))?.receiver;
    const types = (receiver: string | undefined) =>
      contactPoints.contactPoints.find((c) => c.name === receiver)?.receivers.map((r) => r.type).sort();
    for (const severity of new Set(allRules.map((r) => r.labels['severity']))) expect(receiverOf(severity)).toBeDefined();
    expect(types(receiverOf('critical'))).toEqual(['discord', 'email', 'telegram']);
    expect(types(receiverOf('warning'))).toEqual(['telegram']);
    expect(types(policy.receiver)).toEqual(['telegram']);
    expect(policy.group_by).toEqual(expect.arrayContaining(['alertname', 'host', 'exchange', 'strategy']));
  });

  it('keep secrets in environment variables', () => {
    const settings = contactPoints.contactPoints.flatMap((c) => c.receivers.map((r) => r.settings));
    expect(settings).toEqual([
      { bottoken: '${TELEGRAM_BOT_TOKEN}', chatid: '${TELEGRAM_CHAT_ID}' },
      { url: '${DISCORD_WEBHOOK_URL}', use_discord_username: false },
      { addresses: '${ALERT_EMAIL_ADDRESSES}', singleEmail: true },
      { bottoken: '${TELEGRAM_BOT_TOKEN}', chatid: '${TELEGRAM_CHAT_ID}' },
    ]);
  });

  it('the format check rejects a rule without a valid duration or with an unknown field', () => {
    const broken = structuredClone(rules) as { groups: { interval: string; rules: Record<string, unknown>[] }[] };
    broken.groups[0].interval = '30 seconds';
    broken.groups[0].rules[0]['folderUID'] = 'x';
    const r = ruleFileSchema.safeParse(broken);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['groups.0.interval', 'groups.0.rules.0']));
  });

  it('treat no data as OK everywhere except the heartbeat rule, which alone pages on no data', () => {
    expect(allRules.filter((r) => r.noDataState !== 'OK').map((r) => [r.uid, r.noDataState])).toEqual([['tw-collector-heartbeat', 'Alerting']]);
  });

  it('one source of truth: the rules in the file are the RULE_GROUPS definitions', () => {
    expect(allRules.map((r) => r.uid)).toEqual(RULE_GROUPS.flatMap((g) => g.rules.map((r) => r.uid)));
  });

  it('provision, for each set of channels, contact points of those channels alone, still routed by severity', () => {
    const sets = readdirSync(join(DEPLOY, 'channels')).sort();
    expect(sets).toEqual(['discord', 'discord+email', 'email', 'telegram', 'telegram+discord', 'telegram+discord+email', 'telegram+email']);
    for (const set of sets) {
      const cps = contactPointFileSchema.parse(load(`channels/${set}/contact-points.yaml`)).contactPoints;
      const policy = policyFileSchema.parse(load(`channels/${set}/policies.yaml`)).policies[0];
      const types = (receiver: string | undefined) => cps.find((c) => c.name === receiver)?.receivers.map((r) => r.type).sort();
      const route = (severity: string) => policy.routes.find((r) => r.object_matchers?.some(([, , v]) => v === severity))?.receiver;
      const channels = set.split('+').sort();
      expect({ set, critical: types(route('critical')) }).toEqual({ set, critical: channels });
      // Warnings: Telegram when configured, else the critical contact point, so they still reach someone.
      expect({ set, warning: types(route('warning')) }).toEqual({ set, warning: channels.includes('telegram') ? ['telegram'] : channels });
      expect(types(policy.receiver)).toEqual(types(route('warning')));
      expect(new Set(cps.flatMap((c) => c.receivers.map((r) => r.type)))).toEqual(new Set(channels));
    }
  });
});
