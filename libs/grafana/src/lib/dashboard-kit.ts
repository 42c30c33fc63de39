import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelLike extends Builder<dashboard.Panel> {
  id(id: number): unknown;
}

export interface DashboardSpec {
  /** Stable uid: links, alert rules and bookmarks point at it. */
  uid: string;
  title: string;
  description: string;
  /** File name under deploy/grafana/dashboards (without `.json`). */
  file: string;
  refresh: string;
  /** Default time range start, e.g. `now-6h`. */
  from: string;
  variables: Builder<dashboard.VariableModel>[];
  /** Panels in reading order; each line of spans adds up to 24. Ids follow this order. */
  panels: PanelLike[];
}

export interface DashboardDef {
  uid: string;
  title: string;
  file: string;
  build(): dashboard.Dashboard;
}

const REFRESH_CHOICES = ['5s', '10s', '30s', '1m', '5m', '15m', '1h'];

export function defineDashboard(spec: DashboardSpec): DashboardDef {
  return {
    uid: spec.uid,
    title: spec.title,
    file: spec.file,
    build() {
      const b = new dashboard.DashboardBuilder(spec.title)
        .uid(spec.uid)
        .description(spec.description)
        .tags(['tradewatch'])
        .editable()
        .timezone('utc')
        .time({ from: spec.from, to: 'now' })
        .refresh(spec.refresh)
        .timepicker(new dashboard.TimePickerBuilder().refreshIntervals(REFRESH_CHOICES))
        .tooltip(dashboard.DashboardCursorSync.Crosshair)
        .link(
          new dashboard.DashboardLinkBuilder('Tradewatch')
            .type(dashboard.DashboardLinkType.Dashboards)
            .tags(['tradewatch'])
            .asDropdown(true)
            .includeVars(true)
            .keepTime(true),
        );
      for (const v of spec.variables) b.withVariable(v);
      spec.panels.forEach((p, i) => {
        p.id(i + 1);
        b.withPanel(p);
      });
      const built = b.build();
      // Every variable lists the values it may take (registry environments, or what QuestDB
      // holds): a typed custom value could only widen or break a filter. The v1 SDK builders
      // have no setter for it.
      for (const v of built.templating.list ?? []) v.allowCustomValue = false;
      return built;
    },
  };
}
