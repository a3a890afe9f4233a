import { readFileSync } from 'node:fs';
import { Conf } from '../support/conf.js';
import type { Computer } from './computer.js';
import { Lambda, ProportionalRequirements, type OutputModel } from './lambda.js';
import { PROCESSOR_TYPES, type ProcessorType } from './processor.js';

/** Fills a computer with processors and containers from a `--conf` string. */
export type Profile = (computer: Computer, conf: Conf) => void;

const GIB = 1024 * 1024 * 1024;

/** Default speed of the raspberry profile's processors, ops/s per core (the original's since 2021; see docs). */
export const RASPBERRY_SPEED = 1e11;

function countOr(conf: Conf, key: string, fallback: number): number {
  return conf.has(key) ? conf.getUint(key) : fallback;
}

/** `ops = 1e6·L + offset`, `mem = 100·L`: the original's CPU and GPU lambdas. */
function standardLambda(name: string, opOffset: number): Lambda {
  return new Lambda(name, new ProportionalRequirements(1e6, opOffset, 100, 0));
}

/** Raspberry Pi-like: `arm` (4 cores) with `clambda<i>` and `bm2837` (1 core) with `glambda<i>`. */
const raspberry: Profile = (computer, conf) => {
  const cpuContainers = countOr(conf, 'num-cpu-containers', 1);
  const cpuWorkers = countOr(conf, 'num-cpu-workers', 4);
  const gpuContainers = countOr(conf, 'num-gpu-containers', 1);
  const gpuWorkers = countOr(conf, 'num-gpu-workers', 2);
  computer.addProcessor('arm', 'GenericCpu', RASPBERRY_SPEED, 4, GIB / 2);
  computer.addProcessor('bm2837', 'GenericGpu', RASPBERRY_SPEED, 1, GIB / 2);
  for (let i = cpuContainers - 1; i >= 0; i--) {
    computer.addContainer(`ccontainer${i}`, 'arm', standardLambda(`clambda${i}`, 4e6), cpuWorkers);
  }
  for (let i = gpuContainers - 1; i >= 0; i--) {
    computer.addContainer(`gcontainer${i}`, 'bm2837', standardLambda(`glambda${i}`, 1e6), gpuWorkers);
  }
};

/** A 20-core server: `xeon` at 4e9 ops/s per core, 128 GiB, with `clambda<i>`. */
const intelServer: Profile = (computer, conf) => {
  const containers = countOr(conf, 'num-containers', 1);
  const workers = countOr(conf, 'num-workers', 1);
  computer.addProcessor('xeon', 'GenericCpu', 4e9, 20, 128 * GIB);
  for (let i = containers - 1; i >= 0; i--) {
    computer.addContainer(`ccontainer${i}`, 'xeon', standardLambda(`clambda${i}`, 4e6), workers);
  }
};

/** A computer described by a JSON file: `type=file,path=<json>`. */
const file: Profile = (computer, conf) => {
  const path = conf.get('path');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`Could not open configuration file: ${path}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Invalid JSON in configuration file ${path}: ${(err as Error).message}`, { cause: err });
  }
  loadDescription(computer, json);
};

/** The profiles by `type=` name. */
export const PROFILES: Readonly<Record<string, Profile>> = {
  file,
  'intel-server': intelServer,
  raspberry,
};

/** Profile type names, sorted. */
export function profileTypes(): string[] {
  return Object.keys(PROFILES).sort();
}

/** Fills a computer according to a `--conf` string (`type=raspberry,...`). */
export function compose(computer: Computer, confText: string): void {
  const conf = Conf.parse(confText);
  const type = conf.get('type');
  const profile = PROFILES[type];
  if (profile === undefined)
    throw new Error(`Invalid type: ${type}, possible values: ${profileTypes().join(', ')}`);
  profile(computer, conf);
}

type Json = Record<string, unknown>;

function field(obj: Json, key: string): unknown {
  if (!(key in obj)) throw new Error(`Missing key: ${key}`);
  return obj[key];
}

/** Checks that all keys are present, in sorted order as the original (so the first missing one is reported). */
function requireKeys(obj: Json, keys: string[]): void {
  for (const key of [...keys].sort()) field(obj, key);
}

function str(obj: Json, key: string): string {
  const v = field(obj, key);
  if (typeof v !== 'string')
    throw new Error(`Invalid value for key ${key}: expected a string, found ${JSON.stringify(v)}`);
  return v;
}

function num(obj: Json, key: string): number {
  const v = field(obj, key);
  if (typeof v !== 'number')
    throw new Error(`Invalid value for key ${key}: expected a number, found ${JSON.stringify(v)}`);
  return v;
}

function objects(obj: Json, key: string): Json[] {
  const v = field(obj, key);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    throw new Error(`Invalid value for key ${key}: expected an array of objects`);
  }
  return v as Json[];
}

function lambdaFrom(obj: Json): Lambda {
  requireKeys(obj, [
    'requirements',
    'name',
    'output-type',
    'op-coeff',
    'op-offset',
    'mem-coeff',
    'mem-offset',
  ]);
  const name = str(obj, 'name');
  const requirements = str(obj, 'requirements');
  if (requirements !== 'proportional') throw new Error(`Unsupported requirements in lambda: ${requirements}`);
  const outputType = str(obj, 'output-type');
  let output: OutputModel;
  if (outputType === 'copy-input') output = { type: 'copy-input' };
  else if (outputType === 'fixed') output = { type: 'fixed', value: str(obj, 'output-value') };
  else throw new Error(`Unsupported output-type in lambda: ${outputType}`);
  const model = new ProportionalRequirements(
    num(obj, 'op-coeff'),
    num(obj, 'op-offset'),
    num(obj, 'mem-coeff'),
    num(obj, 'mem-offset'),
  );
  return new Lambda(name, model, output);
}

/** Fills a computer from a parsed JSON description (format of `--json-example`). */
export function loadDescription(computer: Computer, json: unknown): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Error('Invalid computer description: expected a JSON object');
  }
  const root = json as Json;
  const version = field(root, 'version');
  if (version !== '1.0') throw new Error(`Invalid version found: ${String(version)}`);
  for (const p of objects(root, 'processors')) {
    requireKeys(p, ['name', 'type', 'speed', 'cores', 'memory']);
    const type = str(p, 'type');
    if (!PROCESSOR_TYPES.includes(type as ProcessorType)) {
      throw new Error(`Invalid processor type: ${type}, possible values: ${PROCESSOR_TYPES.join(', ')}`);
    }
    computer.addProcessor(
      str(p, 'name'),
      type as ProcessorType,
      num(p, 'speed'),
      num(p, 'cores'),
      num(p, 'memory'),
    );
  }
  for (const c of objects(root, 'containers')) {
    requireKeys(c, ['lambda', 'name', 'processor', 'num-workers']);
    const lambda = field(c, 'lambda');
    if (typeof lambda !== 'object' || lambda === null)
      throw new Error('Invalid value for key lambda: expected an object');
    computer.addContainer(
      str(c, 'name'),
      str(c, 'processor'),
      lambdaFrom(lambda as Json),
      num(c, 'num-workers'),
    );
  }
}

/** The example computer description printed by `--json-example`. */
export function jsonExample(): string {
  const example = {
    version: '1.0',
    processors: [{ name: 'arm', type: 'GenericCpu', speed: 4e9, memory: 500e6, cores: 1 }],
    containers: [
      {
        name: 'ccontainer0',
        processor: 'arm',
        'num-workers': 1,
        lambda: {
          name: 'clambda@1',
          requirements: 'proportional',
          'output-type': 'copy-input',
          'op-coeff': 1e6,
          'op-offset': 4e6,
          'mem-coeff': 100,
          'mem-offset': 0,
        },
      },
    ],
  };
  return JSON.stringify(example, null, 2) + '\n';
}
