import { randomBytes } from 'node:crypto';
import { TradewatchError } from '@tradewatch/models';
import type { IlpLineIssue } from './ilp-rows';

/** Lines listed in one error answer; the count of the rest is given. */
const MAX_LISTED = 20;

/** Some lines of a line-protocol request were refused; nothing of the request was stored. */
export class IlpRejectedError extends TradewatchError {
  readonly code = 'ilp_rejected';
  constructor(readonly issues: readonly IlpLineIssue[]) {
    super(ilpMessage(issues));
  }

  /** The first bad line (QuestDB's `line` field). */
  get line(): number {
    return Math.min(...this.issues.map((i) => i.line));
  }
}

function describe(i: IlpLineIssue): string {
  const where = [i.table !== undefined ? `table: ${i.table}` : undefined, i.column !== undefined ? `column: ${i.column}` : undefined].filter(Boolean).join(', ');
  return `error in line ${i.line}: ${where ? `${where}; ` : ''}${i.message}`;
}

function ilpMessage(issues: readonly IlpLineIssue[]): string {
  const sorted = [...issues].sort((a, b) => a.line - b.line);
  const listed = sorted.slice(0, MAX_LISTED).map(describe);
  if (sorted.length > MAX_LISTED) listed.push(`… and ${sorted.length - MAX_LISTED} more`);
  return `failed to parse line protocol:errors encountered on line(s):\n${listed.join('\n')}`;
}

/** QuestDB's error body for `/write`: `{code, message, line, errorId}`. */
export interface IlpErrorBody {
  code: string;
  message: string;
  line: number;
  errorId: string;
}

const idPrefix = randomBytes(6).toString('hex');
let idCounter = 0;

/**
 * The error body QuestDB's own `/write` answers with, so its clients show it unchanged:
 * `code` is `invalid` for refused lines (QuestDB's word), otherwise the collector's error code;
 * `errorId` is unique per answer (`<process id>-<n>`, as QuestDB does) to find it in the log.
 */
export function ilpErrorBody(code: string, message: string, line = 0): IlpErrorBody {
  return { code, message, line, errorId: `${idPrefix}-${++idCounter}` };
}
