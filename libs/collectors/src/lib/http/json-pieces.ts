/**
 * Why bodies are parsed in pieces: V8 puts any string over 128 KiB in its large-object space,
 * where every allocation maps fresh pages; making a 250 KB body into one string costs about
 * 1 ns per byte, ten times a smaller string. A JSON array body is therefore cut, at about every
 * `pieceBytes`, just after an element, and the pieces are parsed one by one.
 *
 * A cut is only a guess (found without reading the JSON): a piece is `[` + elements + `]`, and it
 * only parses when the cut really fell between two elements of the outer array (inside a string
 * or a nested value, the piece is unbalanced or ends in an open string). So when every piece
 * parses, their elements are exactly those of the whole body; when one does not, the caller
 * parses the whole body, for JSON.parse's own answer and message.
 */
export const DEFAULT_PIECE_BYTES = 64 * 1024;

const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;

/** Whitespace JSON allows between tokens. */
function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The element separators (positions of a `,` between `}` and `{`, whitespace allowed) at which
 * to cut a body of more than `pieceBytes`, at least `pieceBytes` apart; empty when the body does
 * not start with `[` or has no such comma.
 */
export function cutPoints(body: Uint8Array, pieceBytes: number): number[] {
  const cuts: number[] = [];
  if (body.length <= pieceBytes) return cuts;
  let start = 0;
  while (start < body.length && isSpace(body[start])) start++;
  if (body[start] !== OPEN_BRACKET) return cuts;
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let from = start + pieceBytes;
  while (from < body.length) {
    const comma = bytes.indexOf(COMMA, from);
    if (comma < 0) break;
    if (closesObject(body, comma) && opensObject(body, comma)) {
      cuts.push(comma);
      from = comma + pieceBytes;
    } else from = comma + 1;
  }
  return cuts;
}

function closesObject(body: Uint8Array, comma: number): boolean {
  let i = comma - 1;
  while (i >= 0 && isSpace(body[i])) i--;
  return body[i] === 0x7d;
}

function opensObject(body: Uint8Array, comma: number): boolean {
  let i = comma + 1;
  while (i < body.length && isSpace(body[i])) i++;
  return body[i] === 0x7b;
}

/**
 * The body parsed piece by piece (`decode` turns bytes into text), or undefined when it has no
 * cut or a piece does not parse (the caller then parses it whole).
 */
export function parseJsonArrayInPieces(body: Uint8Array, decode: (bytes: Uint8Array) => string, pieceBytes = DEFAULT_PIECE_BYTES): unknown[] | undefined {
  const cuts = cutPoints(body, pieceBytes);
  if (cuts.length === 0) return undefined;
  const out: unknown[] = [];
  for (let k = 0; k <= cuts.length; k++) {
    const begin = k === 0 ? 0 : cuts[k - 1] + 1;
    const end = k === cuts.length ? body.length : cuts[k];
    const text = decode(body.subarray(begin, end));
    let piece: unknown;
    try {
      piece = JSON.parse(k === 0 ? text + ']' : k === cuts.length ? '[' + text : '[' + text + ']');
    } catch {
      return undefined;
    }
    if (!Array.isArray(piece)) return undefined;
    for (let i = 0; i < piece.length; i++) out.push(piece[i]);
  }
  return out;
}
