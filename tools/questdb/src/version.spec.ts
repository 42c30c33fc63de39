import { jarSha1Url, jarUrl, QUESTDB_VERSION } from './version';

describe('version', () => {
  it('pins QuestDB 9.3.4, the last release built for Java 17', () => {
    expect(QUESTDB_VERSION).toBe('9.3.4');
  });

  it('builds the Maven Central URLs', () => {
    expect(jarUrl()).toBe('https://repo1.maven.org/maven2/org/questdb/questdb/9.3.4/questdb-9.3.4.jar');
    expect(jarSha1Url('9.2.3', 'http://mirror/q')).toBe('http://mirror/q/9.2.3/questdb-9.2.3.jar.sha1');
  });
});
