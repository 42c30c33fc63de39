import { parseArgs } from 'node:util';

export const SECTIONS = ['writer', 'http', 'dashboards'] as const;

/** docs/product.md §7: every query of a dashboard over 30 days of reference data, together in under 1 s. */
export const DASHBOARD_TARGET_DAYS = 30;
export type Section = (typeof SECTIONS)[number];

/** One load: concurrent clients × rows per request. */
export interface Load {
  clients: number;
  rows: number;
}

export interface BenchArgs {
  sections: Section[];
  /** Writer: rows per run and measured rounds. */
  rows: number;
  rounds: number;
  /** HTTP ingest: the loads, each against QuestDB alone and against the collector. */
  loads: Load[];
  /** HTTP ingest: rounds, every run of the section once in each; the report takes each run's median round. */
  httpRounds: number;
  durationSeconds: number;
  warmupSeconds: number;
  probeIntervalMs: number;
  /** Dashboards: days of reference data and measured runs per range. */
  days: number;
  dashboardRuns: number;
  /** Where the Markdown goes; undefined with --no-write. */
  out: string | undefined;
  /** Directory for the collector's CPU profile (node --cpu-prof), if wanted. */
  profileDir: string | undefined;
  quick: boolean;
}

export const USAGE = `npm run bench -- [options]

Starts QuestDB (launcher, free ports in 25000-25999, temp data dir) and the collector (nx build
output), runs the benchmarks, prints a Markdown report and writes it to docs/benchmarks.md.

  --quick               smoke run: small sizes, short duration (same as --rows 20000 --rounds 1
                        --http-rounds 1 --duration 6 --warmup 2 --loads 8x1000 --days 1 --dashboard-runs 1);
                        nothing is written unless --out is given
  --only <list>         sections to run, comma-separated: writer,http,dashboards (default all)
  --rows <n>            writer: rows per run (default 200000)
  --rounds <n>          writer: measured rounds, variants interleaved in each (default 3)
  --loads <list>        HTTP ingest: clients x rows per request, comma-separated; each load runs
                        against QuestDB alone (pre-encoded ILP) and then the collector (JSON);
                        the first also against the collector's daemon route
                        (default 8x1000,32x1000,8x5000)
  --http-rounds <n>     HTTP ingest: rounds (default 3); each round runs every load against QuestDB
                        alone and the collector (and the daemon route and POST /write), so that
                        each figure is the run with the median rows/s of its rounds
  --duration <s>        HTTP ingest: measured seconds per run (default 15)
  --warmup <s>          HTTP ingest: seconds before measuring (default 5)
  --probe-interval <ms> freshness: one probe row every <ms>, at half the first load's rate (default 100)
  --days <n>            dashboards: days of reference data (default 30, the target's; seeding them
                        takes about 3 minutes; fewer days show a figure but cannot meet the target)
  --dashboard-runs <n>  dashboards: measured runs per range (default 5)
  --out <file>          Markdown output (default docs/benchmarks.md)
  --no-write            print only
  --profile <dir>       run the collector with node --cpu-prof into <dir> and list its hottest functions
  --help
`;

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: "${value}" is not a positive integer`);
  return n;
}

/** Parses the command line; throws an Error naming the bad option. Returns undefined for --help. */
export function parseBenchArgs(argv: string[]): BenchArgs | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      rows: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      loads: { type: 'string' },
      'http-rounds': { type: 'string' },
      'probe-interval': { type: 'string' },
      days: { type: 'string' },
      'dashboard-runs': { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const quick = values.quick ?? false;
  const int = (name: keyof typeof values, full: number, small: number) => {
    const v = values[name];
    return typeof v === 'string' ? positiveInt(name, v) : quick ? small : full;
  };
  const sections = values.only === undefined ? [...SECTIONS] : values.only.split(',').map((s) => s.trim());
  const unknown = sections.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0 || sections.length === 0) throw new Error(`--only: unknown section(s) ${unknown.join(', ') || '(none given)'}; choose from ${SECTIONS.join(', ')}`);
  const loads = parseLoads(values.loads ?? (quick ? '8x1000' : '8x1000,32x1000,8x5000'));
  const out = values['no-write'] ? undefined : (values.out ?? (quick ? undefined : 'docs/benchmarks.md'));
  return {
    sections: sections as Section[],
    rows: int('rows', 200_000, 20_000),
    rounds: int('rounds', 3, 1),
    loads,
    httpRounds: int('http-rounds', 3, 1),
    durationSeconds: int('duration', 15, 6),
    warmupSeconds: values.warmup === '0' ? 0 : int('warmup', 5, 2),
    probeIntervalMs: int('probe-interval', 100, 100),
    days: int('days', DASHBOARD_TARGET_DAYS, 1),
    dashboardRuns: int('dashboard-runs', 5, 1),
    out,
    profileDir: values.profile,
    quick,
  };
}

/** `8x1000,32x1000` → loads; rows per request at most the collector's default limit of 10,000. */
export function parseLoads(text: string): Load[] {
  return text.split(',').map((part) => {
    const m = /^\s*(\d+)\s*[x×]\s*(\d+)\s*$/.exec(part);
    if (!m) throw new Error(`--loads: "${part}" is not <clients>x<rows>`);
    const clients = positiveInt('loads', m[1]);
    const rows = positiveInt('loads', m[2]);
    if (rows > 10_000) throw new Error(`--loads: ${rows} rows is above the collector's default limit of 10000 rows per request`);
    return { clients, rows };
  });
}
