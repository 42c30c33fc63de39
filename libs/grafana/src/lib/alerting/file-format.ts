/**
 * Grafana's file-provisioning format for alerting (`provisioning/alerting/*.yaml`), as zod
 * schemas: the generator validates its output with them before writing, and tests parse the
 * committed files with them.
 */
import { z } from 'zod';

export const DURATION = /^\d+(ms|s|m|h|d|w)$/;
const duration = z.string().regex(DURATION, 'must be a duration such as 30s, 5m or 1h');

const ruleQuery = z.strictObject({
  refId: z.string().min(1),
  relativeTimeRange: z.strictObject({ from: z.number().int().min(0), to: z.number().int().min(0) }).optional(),
  datasourceUid: z.string().min(1),
  model: z.record(z.string(), z.unknown()).and(z.object({ refId: z.string() })),
});

export const alertRuleSchema = z.strictObject({
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/, 'must be at most 40 letters, digits, - or _'),
  title: z.string().min(1),
  condition: z.string().min(1),
  data: z.array(ruleQuery).min(1),
  noDataState: z.enum(['OK', 'Alerting', 'NoData', 'KeepLast']),
  execErrState: z.enum(['OK', 'Alerting', 'Error', 'KeepLast']),
  for: duration,
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  isPaused: z.boolean(),
});

export const ruleFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  groups: z.array(
    z.strictObject({
      orgId: z.number().int(),
      name: z.string().min(1),
      folder: z.string().min(1),
      interval: duration,
      rules: z.array(alertRuleSchema).min(1),
    }),
  ),
});

export const contactPointFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  contactPoints: z.array(
    z.strictObject({
      orgId: z.number().int(),
      name: z.string().min(1),
      receivers: z
        .array(
          z.strictObject({
            uid: z.string().min(1),
            type: z.string().min(1),
            settings: z.record(z.string(), z.unknown()),
            disableResolveMessage: z.boolean(),
          }),
        )
        .min(1),
    }),
  ),
});

const objectMatcher = z.tuple([z.string().min(1), z.enum(['=', '!=', '=~', '!~']), z.string()]);

export interface PolicyRoute {
  receiver: string;
  object_matchers?: [string, '=' | '!=' | '=~' | '!~', string][];
  group_by?: string[];
  continue?: boolean;
  routes?: PolicyRoute[];
}

const route: z.ZodType<PolicyRoute> = z.lazy(() =>
  z.strictObject({
    receiver: z.string().min(1),
    object_matchers: z.array(objectMatcher).optional(),
    group_by: z.array(z.string()).optional(),
    continue: z.boolean().optional(),
    routes: z.array(route).optional(),
  }),
);

export const policyFileSchema = z.strictObject({
  apiVersion: z.literal(1),
  policies: z.array(
    z.strictObject({
      orgId: z.number().int(),
      receiver: z.string().min(1),
      group_by: z.array(z.string()),
      group_wait: duration,
      group_interval: duration,
      repeat_interval: duration,
      routes: z.array(route),
    }),
  ),
});

export type RuleFile = z.infer<typeof ruleFileSchema>;
export type ContactPointFile = z.infer<typeof contactPointFileSchema>;
export type PolicyFile = z.infer<typeof policyFileSchema>;
