import fc from 'fast-check';
import { cutPoints, parseJsonArrayInPieces } from './json-pieces';

const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
/** The whole body through JSON.parse: the value, or the error message. */
const whole = (text: string): unknown => {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
};
/** In pieces, falling back to the whole body as parseJsonBody does. */
const pieces = (text: string, pieceBytes: number): unknown => parseJsonArrayInPieces(Buffer.from(text, 'utf8'), utf8, pieceBytes) ?? 'whole';

// Plain rows (what clients send), and rows whose strings hold the separators themselves, with
// nested values: cuts inside those fail, and the whole body is parsed instead.
const leaf = (text: fc.Arbitrary<string>) => fc.oneof(text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.integer());
const plainRow = fc.dictionary(fc.string(), leaf(fc.string()), { maxKeys: 5 });
const tricky = fc.constantFrom('},{', '}, {', '"},{"', '\\"},{\\"', '[', ']', '{', '}', ',', 'é€', '\\\\');
const trickyText = fc.oneof(fc.string(), tricky, fc.array(tricky).map((a) => a.join('')));
const trickyRow = fc.dictionary(trickyText, fc.oneof(leaf(trickyText), fc.array(fc.dictionary(trickyText, leaf(trickyText), { maxKeys: 2 }), { maxLength: 3 })), { maxKeys: 5 });
const row = fc.oneof(plainRow, trickyRow);
const space = fc.constantFrom('', ' ', '\n', '\t ', '\r\n');

describe('JSON bodies parsed in pieces', () => {
  it('give exactly what JSON.parse gives for the whole body (property)', () => {
    let inPieces = 0;
    fc.assert(
      fc.property(fc.array(plainRow, { minLength: 2, maxLength: 40 }), space, fc.integer({ min: 1, max: 100 }), (rows, ws, pieceBytes) => {
        const body = `${ws}[${rows.map((r) => ws + JSON.stringify(r) + ws).join(',')}]${ws}`;
        const got = pieces(body, pieceBytes);
        if (got === 'whole') return;
        inPieces++;
        expect(got).toEqual(JSON.parse(body));
      }),
      { numRuns: 1500 },
    );
    // Most generated bodies have several rows and are cut: the comparison above really ran.
    expect(inPieces).toBeGreaterThan(500);
  });

  it('never accept a body JSON.parse refuses: cuts inside strings, nested arrays or broken bodies make the caller parse it whole (property)', () => {
    const body = fc.tuple(fc.array(row, { minLength: 2, maxLength: 20 }), fc.nat(), fc.constantFrom('', ']', '[', ',', '"', '}', 'x')).map(([rows, at, junk]) => {
      const valid = `[${rows.map((r) => JSON.stringify(r)).join(',')}]`;
      const i = at % (valid.length + 1);
      return valid.slice(0, i) + junk + valid.slice(i);
    });
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 100 }), (b, pieceBytes) => {
        const got = pieces(b, pieceBytes);
        const expected = whole(b) as { value?: unknown; error?: string };
        if (expected.error !== undefined) expect(got).toBe('whole');
        else if (got !== 'whole') expect(got).toEqual(expected.value);
      }),
      { numRuns: 2000 },
    );
  });

  it('cut a large array of rows between rows, about every piece size, with or without spaces after the commas', () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => ({ host: `h${i}`, note: 'a}, b', n: i }));
    for (const sep of [',', ', ', ',\n  ']) {
      const body = Buffer.from(`[${rows.map((r) => JSON.stringify(r)).join(sep)}]`);
      const cuts = cutPoints(body, 8_192);
      expect(cuts.length).toBeGreaterThan(body.length / 8_192 / 2);
      for (const c of cuts) expect(body[c]).toBe(0x2c);
      expect(parseJsonArrayInPieces(body, utf8, 8_192)).toEqual(rows);
    }
    // A string holding "},{" where a cut falls: that piece does not parse, so the whole body is parsed.
    const cutInString = Buffer.from(`[${rows.map((r) => JSON.stringify({ ...r, note: 'a},{b' })).join(',')}]`);
    expect(cutPoints(cutInString, 8_192).length).toBeGreaterThan(0);
    expect(parseJsonArrayInPieces(cutInString, utf8, 8_192)).toBeUndefined();
  });

  it('leave small bodies, objects and arrays of non-objects to the whole parse', () => {
    expect(cutPoints(Buffer.from('[{"a":1},{"a":2}]'), 1_000)).toEqual([]);
    expect(parseJsonArrayInPieces(Buffer.from(`{"a":[${'{"b":1},'.repeat(100)}{"b":1}]}`), utf8, 16)).toBeUndefined();
    expect(parseJsonArrayInPieces(Buffer.from(`[${'1,'.repeat(100)}1]`), utf8, 16)).toBeUndefined();
  });
});
