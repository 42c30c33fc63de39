/**
 * The one place where Tradewatch pins its QuestDB version. Bump it here and nowhere else.
 *
 * 9.3.4 is the newest release on Maven Central whose jar holds Java 17 class files (major 61);
 * 9.4.0 and later are compiled for Java 25, which our machines do not have.
 */
export const QUESTDB_VERSION = '9.3.4';

/** Oldest Java that can run the pinned jar (its class files are Java 17). */
export const MIN_JAVA_MAJOR = 17;

/** Maven Central folder of the `org.questdb:questdb` artifact: the whole server in one jar. */
export const MAVEN_CENTRAL_BASE = 'https://repo1.maven.org/maven2/org/questdb/questdb';

export function jarFileName(version: string = QUESTDB_VERSION): string {
  return `questdb-${version}.jar`;
}

export function jarUrl(version: string = QUESTDB_VERSION, base: string = MAVEN_CENTRAL_BASE): string {
  return `${base}/${version}/${jarFileName(version)}`;
}

/** Maven Central publishes the jar's SHA-1 next to it; we verify every download against it. */
export function jarSha1Url(version: string = QUESTDB_VERSION, base: string = MAVEN_CENTRAL_BASE): string {
  return `${jarUrl(version, base)}.sha1`;
}
