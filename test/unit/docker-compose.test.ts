// docker-compose.yml and `npm run cluster` describe one deployment: the same Temporal server and UI versions, the
// same config files (mounted from infra/cluster), every variable those templates read set by both, one container
// per Temporal service started as `npm run cluster` starts its process, and the same search attributes.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../domain/constants';
import {
  CLUSTER_CONFIG_ROOT,
  clusterPorts,
  CONFIG_ENV,
  TEMPORAL_CONFIG_DIR,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_SERVICES,
  TEMPORAL_UI_SERVER_VERSION,
  temporalDatabasesOn,
  temporalServiceArgs,
  temporalServiceEnv,
  UI_CONFIG_DIR,
  uiServerArgs,
  uiServerEnv,
} from '../../infra/temporal-cluster';

const ROOT = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  entrypoint?: string[];
  command?: string[] | string;
  environment?: Record<string, string | number>;
  volumes?: string[];
}
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;

/** The variables a config template reads (`env "NAME"`). */
function templateVariables(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8');
  expect(text.split('\n').slice(0, 3).join('\n')).toContain('# enable-template');
  return new Set([...text.matchAll(/env "([A-Z_]+)"/g)].map((m) => m[1]!));
}

/** `${NAME:-default}` → default; a plain value as is. */
function composeDefault(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** The host folder a volume mounts, relative to the repository, and where. */
function mounts(s: Service): { host: string; target: string }[] {
  return (s.volumes ?? []).map((v) => {
    const [host, target] = v.split(':');
    return { host: path.relative(ROOT, path.resolve(ROOT, host!)), target: target! };
  });
}

const temporalServices = Object.entries(services).filter(([, s]) => s.image?.startsWith('temporalio/server:'));
const serverConfig = path.join(CLUSTER_CONFIG_ROOT, TEMPORAL_CONFIG_DIR, `${CONFIG_ENV}.yaml`);
const uiConfig = path.join(CLUSTER_CONFIG_ROOT, UI_CONFIG_DIR, `${CONFIG_ENV}.yaml`);

test('one container per Temporal service, each started with the arguments npm run cluster gives its process', () => {
  const started = temporalServices.map(([, s]) => {
    const argv = [...s.entrypoint!, ...[s.command ?? []].flat()];
    expect(argv[0]).toBe('temporal-server');
    // The same arguments, with the config root where the volume puts infra/cluster.
    const root = argv[argv.indexOf('--root') + 1]!;
    const expectedArgs = temporalServiceArgs(argv.at(-1) as (typeof TEMPORAL_SERVICES)[number]).map((a) =>
      a === CLUSTER_CONFIG_ROOT ? root : a,
    );
    expect(argv.slice(1)).toEqual(expectedArgs);
    expect(mounts(s)).toContainEqual({
      host: path.relative(ROOT, path.join(CLUSTER_CONFIG_ROOT, TEMPORAL_CONFIG_DIR)),
      target: `${root}/${TEMPORAL_CONFIG_DIR}`,
    });
    return argv.at(-1);
  });
  expect(started.sort()).toEqual([...TEMPORAL_SERVICES].sort());
});

test('the same versions: Temporal server, its admin tools and the UI server', () => {
  const version = (image: string) => composeDefault(image.split(':').slice(1).join(':'));
  for (const [, s] of temporalServices) expect(version(s.image!)).toBe(TEMPORAL_SERVER_VERSION.slice(1));
  const adminTools = Object.values(services).filter((s) => s.image?.startsWith('temporalio/admin-tools:'));
  expect(adminTools.length).toBeGreaterThan(0);
  for (const s of adminTools) expect(version(s.image!).split('-')[0]).toBe(TEMPORAL_SERVER_VERSION.slice(1));
  const ui = Object.values(services).filter((s) => s.image?.startsWith('temporalio/ui:'));
  expect(ui).toHaveLength(1);
  expect(version(ui[0]!.image!)).toBe(TEMPORAL_UI_SERVER_VERSION.slice(1));
});

test('every variable the server config reads is set by both, with the same ports', () => {
  const read = templateVariables(serverConfig);
  const ours = temporalServiceEnv(
    clusterPorts(7233),
    temporalDatabasesOn('postgresql://u:p@h:5432/x', { name: 'temporal', visibilityName: 'temporal_visibility' }),
    'warn',
  );
  expect(new Set(Object.keys(ours))).toEqual(read);
  for (const [, s] of temporalServices) {
    const env = s.environment!;
    expect(new Set(Object.keys(env))).toEqual(read);
    // The ports of the services are those npm run cluster derives from 7233 (the config's defaults).
    for (const key of Object.keys(ours).filter((k) => k.endsWith('_PORT') && k !== 'TEMPORAL_DB_PORT')) {
      expect([key, String(env[key])]).toEqual([key, ours[key as keyof typeof ours]]);
    }
    expect(String(env.TEMPORAL_DYNAMIC_CONFIG)).toBe(
      `${mounts(s)[0]!.target}/${path.basename(ours.TEMPORAL_DYNAMIC_CONFIG)}`,
    );
    expect(composeDefault(String(env.TEMPORAL_DB_NAME))).toBe('temporal');
    expect(composeDefault(String(env.TEMPORAL_VISIBILITY_DB_NAME))).toBe('temporal_visibility');
  }
});

test('the UI server renders the same config file, with every variable it reads set', () => {
  const [, ui] = Object.entries(services).find(([, s]) => s.image?.startsWith('temporalio/ui:'))!;
  expect(mounts(ui)).toContainEqual({
    host: path.relative(ROOT, uiConfig),
    // The image's documented place for a config template.
    target: '/home/ui-server/config/docker.yaml',
  });
  const read = templateVariables(uiConfig);
  expect(new Set(Object.keys(ui.environment!))).toEqual(read);
  expect(new Set(Object.keys(uiServerEnv('127.0.0.1:7233', 8233, 'default')))).toEqual(read);
  expect(uiServerArgs()).toEqual([
    '--root',
    CLUSTER_CONFIG_ROOT,
    '--config',
    UI_CONFIG_DIR,
    '--env',
    CONFIG_ENV,
    'start',
  ]);
});

test('the setup job registers the search attributes npm run cluster registers', () => {
  const script = [services['temporal-setup']!.command].flat().join('\n');
  const names = script
    .match(/for name in ([^;]+);/)![1]!
    .trim()
    .split(/\s+/);
  expect(names.sort()).toEqual(
    Object.values(SEARCH_ATTRIBUTES)
      .map((a) => a.name)
      .sort(),
  );
  expect(script).toContain('--type Keyword');
  expect(new Set(Object.values(SEARCH_ATTRIBUTES).map((a) => a.type))).toEqual(new Set(['Keyword']));
});
