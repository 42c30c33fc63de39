import { splitIlpLines } from './ilp-lines';

describe('splitIlpLines', () => {
  it('splits at newlines, keeping each line its newline', () => {
    expect(splitIlpLines(Buffer.from('a x=1i 1t\nb x=2i 2t\n')).map(String)).toEqual(['a x=1i 1t\n', 'b x=2i 2t\n']);
  });

  it('does not split at an escaped newline inside a value, but does after an escaped backslash', () => {
    const escapedNewline = 't s="one\\\ntwo" 1t\n';
    const escapedBackslash = 't s="dir\\\\" 2t\n';
    expect(splitIlpLines(Buffer.from(escapedNewline + escapedBackslash)).map(String)).toEqual([escapedNewline, escapedBackslash]);
  });

  it('keeps a last line without a newline, and gives nothing for an empty body', () => {
    expect(splitIlpLines(Buffer.from('a x=1i 1t\nb x=2i 2t')).map(String)).toEqual(['a x=1i 1t\n', 'b x=2i 2t']);
    expect(splitIlpLines(Buffer.alloc(0))).toEqual([]);
  });
});
