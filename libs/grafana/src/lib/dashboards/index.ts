import type { DashboardDef } from '../dashboard-kit';
import { exchangeDashboard } from './exchange';
import { healthDashboard } from './health';
import { pipelineDashboard } from './pipeline';
import { tradingDashboard } from './trading';

export const DASHBOARDS: readonly DashboardDef[] = [healthDashboard, pipelineDashboard, exchangeDashboard, tradingDashboard];

export { exchangeDashboard, healthDashboard, pipelineDashboard, tradingDashboard };
