import { readDotenv, readYaml } from './repo';

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  restart?: string;
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

export const COMPOSE_PATH = 'docker-compose.yml';
export const ENV_EXAMPLE_PATH = '.env.example';

export const rawCompose = () => readYaml<ComposeFile>(COMPOSE_PATH);

/** .env.example with every empty (secret) value filled in, as a user would. */
export function filledEnv(): Map<string, string> {
  const env = readDotenv(ENV_EXAMPLE_PATH);
  for (const [k, v] of env) if (v === '') env.set(k, k === 'COLLECTOR_TOKENS' ? 'token-0123456789abcdef' : `secret-for-${k.toLowerCase()}`);
  return env;
}
