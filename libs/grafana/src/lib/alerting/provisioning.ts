import type * as alerting from '@grafana/grafana-foundation-sdk/alerting';
import type { AlertChannel } from '@tradewatch/models';
import { GRAFANA_FOLDER } from '../datasource';
import { DefinitionError } from '../errors';
import { contactPointBuilders, notificationPolicyBuilder } from './contact-points';
import {
  contactPointFileSchema,
  policyFileSchema,
  ruleFileSchema,
  type ContactPointFile,
  type PolicyFile,
  type PolicyRoute,
  type RuleFile,
} from './file-format';
import { RULE_GROUPS } from './rules';
import { formatDuration, ruleGroupBuilder } from './sdk-rules';
import type { RuleGroupSpec } from './rule-spec';

/** JSON round trip: drops the SDK's marker methods and undefined fields, as the HTTP API would. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The SDK builds the alerting HTTP API's shapes (`title`, `folderUid`, numeric `interval`,
 * `orgID`, `ruleGroup` on each rule); file provisioning wants `name`, `folder`, a duration
 * string and bare rules. This maps one to the other and checks the result.
 */
export function ruleFile(groups: readonly RuleGroupSpec[] = RULE_GROUPS): RuleFile {
  return parse(ruleFileSchema, 'alert rules', {
    apiVersion: 1,
    groups: groups.map((spec) => {
      const group = plain(ruleGroupBuilder(spec).build());
      if (group.folderUid !== GRAFANA_FOLDER.uid) throw new DefinitionError(`group ${spec.name} is not in the Tradewatch folder`);
      return {
        orgId: 1,
        name: group.title,
        folder: GRAFANA_FOLDER.title,
        interval: formatDuration(group.interval ?? 60),
        rules: (group.rules ?? []).map(toFileRule),
      };
    }),
  });
}

function toFileRule(rule: alerting.Rule) {
  return {
    uid: rule.uid,
    title: rule.title,
    condition: rule.condition,
    data: rule.data.map((q) => ({
      refId: q.refId,
      ...(q.relativeTimeRange ? { relativeTimeRange: { from: q.relativeTimeRange.from ?? 0, to: q.relativeTimeRange.to ?? 0 } } : {}),
      datasourceUid: q.datasourceUid,
      model: q.model,
    })),
    noDataState: rule.noDataState,
    execErrState: rule.execErrState,
    for: rule.for,
    labels: rule.labels ?? {},
    annotations: rule.annotations ?? {},
    isPaused: rule.isPaused ?? false,
  };
}

/** SDK contact points (one integration each) grouped by name into provisioned contact points. */
export function contactPointFile(channels?: readonly AlertChannel[]): ContactPointFile {
  const byName = new Map<string, ContactPointFile['contactPoints'][number]>();
  for (const cp of contactPointBuilders(channels).map((b) => plain(b.build()))) {
    const name = cp.name ?? '';
    let entry = byName.get(name);
    if (!entry) byName.set(name, (entry = { orgId: 1, name, receivers: [] }));
    entry.receivers.push({ uid: cp.uid ?? '', type: cp.type, settings: cp.settings, disableResolveMessage: cp.disableResolveMessage ?? false });
  }
  return parse(contactPointFileSchema, 'contact points', { apiVersion: 1, contactPoints: [...byName.values()] });
}

export function policyFile(channels?: readonly AlertChannel[]): PolicyFile {
  const root = plain(notificationPolicyBuilder(channels).build());
  const toRoute = (p: alerting.NotificationPolicy): PolicyRoute => ({
    receiver: p.receiver ?? '',
    ...(p.object_matchers ? { object_matchers: p.object_matchers as PolicyRoute['object_matchers'] } : {}),
    ...(p.group_by ? { group_by: p.group_by } : {}),
    ...(p.continue !== undefined ? { continue: p.continue } : {}),
    ...(p.routes ? { routes: p.routes.map(toRoute) } : {}),
  });
  return parse(policyFileSchema, 'notification policies', {
    apiVersion: 1,
    policies: [
      {
        orgId: 1,
        receiver: root.receiver,
        group_by: root.group_by,
        group_wait: root.group_wait,
        group_interval: root.group_interval,
        repeat_interval: root.repeat_interval,
        routes: (root.routes ?? []).map(toRoute),
      },
    ],
  });
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }, what: string, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new DefinitionError(`generated ${what} do not fit Grafana's provisioning format: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
