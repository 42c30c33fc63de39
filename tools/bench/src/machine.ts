import { cpus, loadavg, totalmem } from 'node:os';
import { requireJava } from '@tradewatch/questdb-launcher';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  java: string;
  questdb: string;
  /** 1, 5 and 15-minute load averages when the benchmark started. */
  loadAtStart: [number, number, number];
}

export async function describeMachine(questdbVersion: string): Promise<MachineInfo> {
  const cpuList = cpus();
  const java = await requireJava();
  const [l1, l5, l15] = loadavg();
  return {
    cores: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown CPU',
    ramGiB: totalmem() / 1024 ** 3,
    node: process.version,
    java: java.version,
    questdb: questdbVersion,
    loadAtStart: [l1, l5, l15],
  };
}

export const formatLoad = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' / ');

export function machineLine(m: MachineInfo): string {
  return (
    `${m.cores} cores (${m.cpuModel}), ${m.ramGiB.toFixed(1)} GiB RAM, Node ${m.node}, Java ${m.java}, ` +
    `QuestDB ${m.questdb}; load average at start (1 / 5 / 15 min) ${formatLoad(m.loadAtStart)}`
  );
}
