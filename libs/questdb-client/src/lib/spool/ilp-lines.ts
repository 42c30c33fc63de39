const LF = 0x0a;
const BACKSLASH = 0x5c;

/**
 * The lines of an ILP text body, each with its newline. A newline preceded by an odd number of
 * backslashes is escaped (inside a string or symbol value) and does not end a line.
 */
export function splitIlpLines(body: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = body.indexOf(LF); i >= 0; i = body.indexOf(LF, i + 1)) {
    let backslashes = 0;
    while (i - 1 - backslashes >= start && body[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 1) continue;
    lines.push(body.subarray(start, i + 1));
    start = i + 1;
  }
  if (start < body.length) lines.push(body.subarray(start));
  return lines;
}
