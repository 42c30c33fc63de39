import { ComposeVariableError, interpolate, interpolateDocument, variableUses } from './compose-interpolation';

const env = new Map([
  ['SET', 'value'],
  ['EMPTY', ''],
]);

describe('compose interpolation', () => {
  it.each([
    ['${SET}', 'value'],
    ['$SET/x', 'value/x'],
    ['${UNSET}', ''],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['$$SET', '$SET'],
    ['${UNSET:-${SET}}', 'value'],
    ['${A:-127.0.0.1}:${B:-9000}:9000', '127.0.0.1:9000:9000'],
  ])('%s -> %j', (text, expected) => expect(interpolate(text, env)).toBe(expected));

  it('fails on a missing required variable, with its message', () => {
    expect(() => interpolate('${UNSET:?set UNSET in .env}', env)).toThrow(ComposeVariableError);
    expect(() => interpolate('${EMPTY:?set EMPTY in .env}', env)).toThrow('required variable EMPTY is missing a value: set EMPTY in .env');
    expect(interpolate('${EMPTY?must be set}', env)).toBe('');
    expect(() => interpolate('${UNSET?must be set}', env)).toThrow('UNSET');
  });

  it('lists variable uses with their operators', () => {
    expect(variableUses('a ${X:?m} $Y ${Z:-d} $$W')).toEqual([
      { name: 'X', operator: ':?', argument: 'm' },
      { name: 'Y', operator: '', argument: '' },
      { name: 'Z', operator: ':-', argument: 'd' },
    ]);
  });

  it('interpolates values, not keys, through a whole document', () => {
    expect(interpolateDocument({ '${SET}': ['${SET}', 1, { k: '${UNSET:-d}' }] }, env)).toEqual({ '${SET}': ['value', 1, { k: 'd' }] });
  });
});
