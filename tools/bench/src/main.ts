/**
 * `npm run bench`: the docs/product.md §7 benchmarks in one run (see USAGE in ./args). Starts its own
 * QuestDB (temp data dir, ports in 25000-25999) and the collector, prints a Markdown report and
 * writes it to docs/benchmarks.md.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { waitForWalApplied } from '@tradewatch/grafana';
import { MetricsClient, refreshRollups } from '@tradewatch/questdb-client';
import { ROLLUP_NAMES, TABLE_NAMES } from '@tradewatch/models';
import { isPortFree, QUESTDB_VERSION, startQuestDb, type QuestDbHandle } from '@tradewatch/questdb-launcher';
import { benchDashboards } from '../dashboards';
import { parseBenchArgs, USAGE, type BenchArgs } from './args';
import { buildCollector, collectorServeLaunch, startCollector, type CollectorProcess } from './collector-process';
import { readCpuProfile, topSelfTime } from './cpu-profile';
import { DaemonBodies, IlpBodies, PipelineBodies } from './bench-rows';
import { benchIngest, measureIdleCpu, type IngestResult, type IngestTarget } from './ingest-bench';
import { benchStages } from './stage-bench';
import { DisconnectProbe } from './disconnect';
import { describeMachine } from './machine';
import { renderReport, type BenchReport } from './report';
import { ingestRuns } from './rounds';
import { benchWriters } from './writer-bench';

const ROOT = resolve(__dirname, '../../..');
const PORT_RANGE = { from: 25_000, to: 25_999 };
const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** `count` free ports from this benchmark's range, starting at a random point so parallel runs rarely collide. */
async function freePorts(count: number): Promise<number[]> {
  const span = PORT_RANGE.to - PORT_RANGE.from + 1;
  const start = Math.floor(Math.random() * span);
  const ports: number[] = [];
  for (let i = 0; i < span && ports.length < count; i++) {
    const port = PORT_RANGE.from + ((start + i) % span);
    if (await isPortFree(port)) ports.push(port);
  }
  if (ports.length < count) throw new Error(`fewer than ${count} free ports in ${PORT_RANGE.from}-${PORT_RANGE.to}`);
  return ports;
}

async function run(args: BenchArgs): Promise<BenchReport> {
  const startedAt = new Date();
  const work = await mkdtemp(join(tmpdir(), 'tradewatch-bench-'));
  const [httpPort, pgPort, ilpPort, minPort, collectorPort, exchangePort] = await freePorts(6);
  let questdb: QuestDbHandle | undefined;
  let collector: CollectorProcess | undefined;
  // Ctrl-C: stop what this run started instead of leaving QuestDB and the collector behind.
  const interrupted = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the collector and QuestDB …`);
    void Promise.allSettled([collector?.stop(), questdb?.stop()])
      .then(() => rm(work, { recursive: true, force: true }))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const machine = await describeMachine(QUESTDB_VERSION);
    log(`load average at start: ${machine.loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);
    log(`starting QuestDB ${QUESTDB_VERSION} on 127.0.0.1:${httpPort} (data in ${work}/questdb) …`);
    questdb = await startQuestDb({ dataDir: join(work, 'questdb'), httpPort, pgPort, ilpPort, minPort, javaOpts: ['-Xmx2g'] });
    const url = questdb.httpUrl;
    const report: BenchReport = {
      machine,
      loadAtEnd: [],
      startedAt,
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    };

    if (args.sections.includes('writer')) {
      log(`writer: ${args.rows} rows, ${args.rounds} round(s) + warm-up`);
      report.writer = { rows: args.rows, rounds: args.rounds, results: await benchWriters(url, { rows: args.rows, rounds: args.rounds, log }) };
    }

    if (args.sections.includes('http')) {
      log('collector stages: CPU per row');
      // Steps take milliseconds a round: more rounds than the writer's, for medians that hold on a noisy machine.
      const stageRounds = Math.max(args.rounds, 9);
      report.stages = { rowsPerBody: 1_000, rounds: stageRounds, results: await benchStages(1_000, 50, stageRounds) };
      const main = buildCollector(ROOT, log);
      const spoolDir = join(work, 'spool');
      const profileDir = args.profileDir ? resolve(args.profileDir) : undefined;
      if (profileDir) await mkdir(profileDir, { recursive: true });
      await truncateAll(url);
      // The collector probes a WebSocket "exchange" of the bench's, to time disconnects.
      const disconnects = await DisconnectProbe.start(exchangePort);
      const configFile = join(work, 'collector.json');
      await writeFile(configFile, JSON.stringify({ exchanges: DisconnectProbe.probeConfig(exchangePort) }));
      const serve = collectorServeLaunch(ROOT);
      collector = await startCollector(main, {
        root: ROOT,
        port: collectorPort,
        questDbUrl: url,
        spoolDir,
        // As the image and `nx run collector:serve` run it: its node options and environment.
        env: { ...serve.env, COLLECTOR_CONFIG: configFile },
        nodeArgs: [...serve.nodeArgs, ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
        log,
      });
      // What QuestDB and the collector use with nothing to do (timers, background jobs): not charged to the rows.
      const [questDbIdle, collectorIdle] = await measureIdleCpu([questdb.pid, collector.pid], 5_000);
      report.idleCpuPercent = { questdb: questDbIdle, collector: collectorIdle };
      log(`idle CPU: QuestDB ${questDbIdle.toFixed(1)} %, collector ${collectorIdle.toFixed(1)} %`);
      const idleCpuPercent = { questdb: questDbIdle, collector: collectorIdle };
      const common = { questDbUrl: url, questDbPid: questdb.pid, durationSeconds: args.durationSeconds, warmupSeconds: args.warmupSeconds, idleCpuPercent, log };
      const questDbIlp = (rows: number): IngestTarget => ({ url, path: '/write?precision=n', contentType: 'text/plain; charset=utf-8', okStatus: 204, bodies: new IlpBodies(rows) });
      // The collector's JSON route of a table: pipeline (every load) or daemon (the first load, with counter continuity).
      const collectorJson = (rows: number, route: 'pipeline' | 'daemon' = 'pipeline'): IngestTarget => ({
        url: collector?.url ?? '',
        path: `/v1/metrics/${route}`,
        contentType: 'application/json',
        okStatus: 202,
        bodies: route === 'daemon' ? new DaemonBodies(rows) : new PipelineBodies(rows),
      });
      try {
        // Rounds: every target once per round, so that a slow spell of this shared machine falls on all of them alike.
        const runs = args.loads.map(() => ({ alone: [] as IngestResult[], collector: [] as IngestResult[], daemon: [] as IngestResult[] }));
        const ilpRuns: IngestResult[] = [];
        const ilpLoad = args.loads[0];
        const lineProtocol = ilpLoad !== undefined && (await acceptsLineProtocol(collector.url));
        for (let round = 1; round <= args.httpRounds; round++) {
          const of = `round ${round} of ${args.httpRounds}`;
          for (const [i, load] of args.loads.entries()) {
            // Side by side: QuestDB alone at this load, then the collector at the same load.
            await truncateAll(url);
            log(`${of}: QuestDB alone: ${load.clients} clients × ${load.rows} rows of pre-encoded ILP, ${args.warmupSeconds} s warm-up + ${args.durationSeconds} s`);
            runs[i].alone.push(await refreshingRollups(url, log, () => benchIngest({ ...common, clients: load.clients, target: questDbIlp(load.rows) })));
            await truncateAll(url);
            log(`${of}: collector: ${load.clients} clients × ${load.rows}-row JSON batches`);
            runs[i].collector.push(await benchIngest({ ...common, clients: load.clients, collectorPid: collector.pid, target: collectorJson(load.rows) }));
            if (i === 0) {
              // The daemon route at the same load: its counter-continuity check must not cost much throughput.
              await truncateAll(url);
              log(`${of}: collector daemon route: ${load.clients} clients × ${load.rows}-row JSON batches of daemon_metrics`);
              runs[i].daemon.push(await benchIngest({ ...common, clients: load.clients, collectorPid: collector.pid, target: collectorJson(load.rows, 'daemon') }));
            }
            if (i === 0 && round === 1) {
              // What the 1-minute rollups cost QuestDB at this load: the same run without them (once; the next truncate recreates them).
              await truncateAll(url);
              await dropRollups(url);
              log(`${of}: QuestDB alone without the rollups: ${load.clients} clients × ${load.rows} rows`);
              report.withoutRollups = await benchIngest({ ...common, clients: load.clients, target: questDbIlp(load.rows) });
            }
          }
          if (lineProtocol) {
            await truncateAll(url);
            log(`${of}: collector line protocol: ${ilpLoad.clients} clients × ${ilpLoad.rows} lines to POST /write`);
            ilpRuns.push(
              await benchIngest({ ...common, clients: ilpLoad.clients, collectorPid: collector.pid, target: { url: collector.url, path: '/write?precision=u', contentType: 'text/plain; charset=utf-8', okStatus: 204, bodies: new IlpBodies(ilpLoad.rows, { suffix: false }) } }),
            );
          }
        }
        report.httpRounds = args.httpRounds;
        report.ingest = args.loads.map((load, i) => ({
          load,
          alone: ingestRuns(runs[i].alone),
          collector: ingestRuns(runs[i].collector),
          ...(runs[i].daemon.length > 0 && { daemon: ingestRuns(runs[i].daemon) }),
        }));
        report.ilpEndpoint = lineProtocol ? { load: ilpLoad, result: ingestRuns(ilpRuns) } : 'absent';
        const first = report.ingest[0];
        if (first) {
          const pace = Math.round(first.collector.median.rowsPerSecond / 2);
          await truncateAll(url);
          log(`freshness: ${first.load.clients} clients paced to ${pace} rows/s (half the collector's rate), a probe every ${args.probeIntervalMs} ms, an exchange disconnect every 2 s`);
          disconnects.run(url, 2_000);
          const result = await benchIngest({
              ...common,
              clients: first.load.clients,
              collectorPid: collector.pid,
              paceRowsPerSecond: pace,
              target: collectorJson(first.load.rows),
              probes: { collectorUrl: collector.url, intervalMs: args.probeIntervalMs },
          });
          report.freshness = { paceRowsPerSecond: pace, result, disconnects: await disconnects.finish() };
        }
      } finally {
        await collector.stop();
        collector = undefined;
        await disconnects.finish();
      }
      if (profileDir) {
        const profiles = (await readdir(profileDir)).filter((n) => n.endsWith('.cpuprofile')).sort();
        const latest = profiles.at(-1);
        if (latest) report.profile = topSelfTime(readCpuProfile(join(profileDir, latest)), ROOT, 15);
      }
    }

    if (args.sections.includes('dashboards')) {
      await truncateAll(url);
      const client = await MetricsClient.connect({ url, batchRows: 100_000, flushIntervalMs: 60_000 });
      try {
        report.dashboards = { days: args.days, ...(await benchDashboards(client, { days: args.days, runs: args.dashboardRuns, log })) };
      } finally {
        await client.close();
      }
    }
    report.loadAtEnd = loadavg();
    return report;
  } finally {
    await questdb?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** Whether the collector has its line-protocol endpoint (`POST /write`): an empty body is accepted where it exists. */
async function acceptsLineProtocol(collectorUrl: string): Promise<boolean> {
  const res = await fetch(`${collectorUrl}/write`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '' }).catch(() => undefined);
  return res !== undefined && res.status !== 404 && res.status !== 405;
}

/** Empties every table so each section starts from the data it writes itself. */
async function truncateAll(url: string): Promise<void> {
  const client = await MetricsClient.connect({ url });
  try {
    await client.bootstrap();
    // TRUNCATE invalidates the rollups over a table: drop them first, bootstrap recreates them empty.
    await dropRollups(url, client);
    for (const t of TABLE_NAMES) await client.query(`TRUNCATE TABLE ${t}`);
    // TRUNCATE of a WAL table is applied asynchronously: a view recreated before it is applied
    // is invalidated by it ("truncate operation"), so wait for the tables first.
    await waitForWalApplied(client, TABLE_NAMES);
    await client.bootstrap();
  } finally {
    await client.close();
  }
}

/**
 * Runs `run` while asking QuestDB to refresh the rollups every 10 s, as the collector does by
 * default (`rollups.refreshIntervalMs`): QuestDB alone then pays for its rollups as deployed.
 */
async function refreshingRollups<T>(url: string, log: (line: string) => void, run: () => Promise<T>): Promise<T> {
  const client = await MetricsClient.connect({ url });
  const timer = setInterval(() => {
    refreshRollups(client.rest).catch((error: Error) => log(`refreshing the rollups failed: ${error.message}`));
  }, 10_000);
  try {
    return await run();
  } finally {
    clearInterval(timer);
    await client.close();
  }
}

/** Drops the rollups (materialized views); the next `truncateAll` recreates them. */
async function dropRollups(url: string, connected?: MetricsClient): Promise<void> {
  const client = connected ?? (await MetricsClient.connect({ url }));
  try {
    for (const v of ROLLUP_NAMES) await client.query(`DROP MATERIALIZED VIEW IF EXISTS ${v}`);
  } finally {
    if (!connected) await client.close();
  }
}

async function main(): Promise<number> {
  let args: BenchArgs | undefined;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    process.stdout.write(USAGE);
    return 0;
  }
  const report = await run(args);
  const markdown = renderReport(report);
  process.stdout.write(`\n${markdown}`);
  if (args.out) {
    const out = resolve(ROOT, args.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, markdown);
    log(`written to ${out}`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`bench: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
