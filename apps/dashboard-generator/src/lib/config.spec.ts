import { ConfigError, questDbFromEnv } from './config';

describe('questDbFromEnv', () => {
  it('defaults to the local QuestDB and passes credentials through', () => {
    expect(questDbFromEnv({})).toEqual({ url: 'http://127.0.0.1:9000', user: undefined, password: undefined });
    expect(questDbFromEnv({ QUESTDB_URL: 'http://db:9000', QUESTDB_USER: 'u', QUESTDB_PASSWORD: 'p' })).toEqual({
      url: 'http://db:9000',
      user: 'u',
      password: 'p',
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => questDbFromEnv({ QUESTDB_URL: 'db:9000' })).toThrow(ConfigError);
    expect(() => questDbFromEnv({ QUESTDB_URL: 'ftp://db' })).toThrow(/QUESTDB_URL: must be an http\(s\) URL/);
  });
});
