/**
 * Small panel factories shared by the four dashboards: each takes a title, a description, a
 * QuestDB query and what is particular to the panel, and applies Tradewatch's conventions
 * (datasource, legends, threshold colours).
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { questDbRef } from './datasource';
import type { QuestDbQueryBuilder } from './sql/questdb-query';

export interface PanelBase {
  title: string;
  description: string;
  query: QuestDbQueryBuilder;
  /** Width in grid columns (of 24). */
  span: number;
  height?: number;
  /** Series name, e.g. `${__field.labels.exchange}`; Grafana's default joins value name and labels. */
  displayName?: string;
}

export interface Levels {
  warning: number;
  critical?: number;
}

/** A value with a display text and colour: traffic lights and state timelines. */
export interface StateMapping {
  value: number;
  text: string;
  color: 'green' | 'orange' | 'red' | 'blue' | 'text';
}

const DEFAULT_HEIGHT = 8;

/** green below `warning`, orange from it, red from `critical`. */
export function levelSteps(levels?: Levels): dashboard.Threshold[] {
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }];
  if (levels) steps.push({ value: levels.warning, color: 'orange' });
  if (levels?.critical !== undefined) steps.push({ value: levels.critical, color: 'red' });
  return steps;
}

function thresholds(steps: dashboard.Threshold[]) {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

function valueMappings(states: readonly StateMapping[]): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: Object.fromEntries(
        states.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }]),
      ),
    },
  ];
}

function stateSteps(states: readonly StateMapping[]): dashboard.Threshold[] {
  const sorted = [...states].sort((a, b) => a.value - b.value);
  return sorted.map((s, i) => ({ value: i === 0 ? null : s.value, color: s.color }));
}

interface CommonPanelBuilder<B> {
  title(t: string): B;
  description(d: string): B;
  datasource(d: dashboard.DataSourceRef): B;
  withTarget(q: QuestDbQueryBuilder): B;
  span(w: number): B;
  height(h: number): B;
  displayName(n: string): B;
  interval(i: string): B;
}

function base<B extends CommonPanelBuilder<B>>(builder: B, p: PanelBase): B {
  let b = p.displayName ? builder.displayName(p.displayName) : builder;
  if (p.query.minInterval) b = b.interval(p.query.minInterval);
  return b
    .title(p.title)
    .description(p.description)
    .datasource(questDbRef)
    .withTarget(p.query)
    .span(p.span)
    .height(p.height ?? DEFAULT_HEIGHT);
}

export interface TimeSeriesPanel extends PanelBase {
  unit: string;
  /** Drawn as dashed threshold lines (the alerting levels). */
  levels?: Levels;
  min?: number;
  max?: number;
  bars?: boolean;
  stacked?: boolean;
}

export function timeSeriesPanel(p: TimeSeriesPanel): timeseries.PanelBuilder {
  let b = base(new timeseries.PanelBuilder(), p)
    .unit(p.unit)
    .thresholds(thresholds(levelSteps(p.levels)))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        p.levels ? common.GraphThresholdsStyleMode.Dashed : common.GraphThresholdsStyleMode.Off,
      ),
    )
    .drawStyle(p.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .fillOpacity(p.bars ? 80 : 10)
    .lineWidth(1)
    .spanNulls(false)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (p.min !== undefined) b = b.min(p.min);
  if (p.max !== undefined) b = b.max(p.max);
  if (p.stacked) b = b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  return b;
}

export interface StatPanel extends PanelBase {
  unit: string;
  levels?: Levels;
  /** The numeric field to show, one big value per row (the row's text fields name it). */
  field: string;
  decimals?: number;
}

/** One big value per row of a table query: per host, per exchange, per strategy. */
export function statPanel(p: StatPanel): stat.PanelBuilder {
  let b = bigValuePerRow(base(new stat.PanelBuilder(), p), p.field, p.levels ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .unit(p.unit)
    .thresholds(thresholds(levelSteps(p.levels)));
  if (p.decimals !== undefined) b = b.decimals(p.decimals);
  return b;
}

export interface TrafficLightPanel extends PanelBase {
  field: string;
  states: readonly StateMapping[];
}

/** A stat per row whose value maps to a coloured word: up, stale, down. */
export function trafficLightPanel(p: TrafficLightPanel): stat.PanelBuilder {
  return bigValuePerRow(base(new stat.PanelBuilder(), p), p.field, common.BigValueColorMode.Background)
    .mappings(valueMappings(p.states))
    .thresholds(thresholds(stateSteps(p.states)));
}

function bigValuePerRow(b: stat.PanelBuilder, field: string, colorMode: common.BigValueColorMode): stat.PanelBuilder {
  return b.colorMode(colorMode).graphMode(common.BigValueGraphMode.None).textMode(common.BigValueTextMode.ValueAndName).reduceOptions(perRow(field));
}

export interface StateTimelinePanel extends PanelBase {
  states: readonly StateMapping[];
}

/** Coloured bands over time, one lane per series: gaps, downtime. */
export function stateTimelinePanel(p: StateTimelinePanel): statetimeline.PanelBuilder {
  return base(new statetimeline.PanelBuilder(), p)
    .mappings(valueMappings(p.states))
    .thresholds(thresholds(stateSteps(p.states)))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8)
    .fillOpacity(80)
    .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom).showLegend(true));
}

export interface BarGaugePanel extends PanelBase {
  unit: string;
  field: string;
  levels?: Levels;
  min?: number;
}

/** A horizontal bar per row: exposure per symbol, latency per exchange, message age. */
export function barGaugePanel(p: BarGaugePanel): bargauge.PanelBuilder {
  let b = base(new bargauge.PanelBuilder(), p)
    .unit(p.unit)
    .thresholds(thresholds(levelSteps(p.levels)))
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .reduceOptions(perRow(p.field));
  if (p.min !== undefined) b = b.min(p.min);
  return b;
}

export interface TablePanel extends PanelBase {
  /** Sort by this column, descending (latest first). */
  sortBy?: string;
}

export function tablePanel(p: TablePanel): table.PanelBuilder {
  let b = base(new table.PanelBuilder(), p).showHeader(true).cellHeight(common.TableCellHeight.Sm);
  if (p.sortBy) b = b.sortBy([new common.TableSortByFieldStateBuilder().displayName(p.sortBy).desc(true)]);
  return b;
}

function perRow(field: string) {
  return new common.ReduceDataOptionsBuilder().values(true).calcs(['lastNotNull']).fields(`/^${field}$/`);
}
