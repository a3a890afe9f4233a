import type { Computer } from './computer.js';
import { Lambda, ProportionalRequirements, type OutputModel } from './lambda.js';
import { PROCESSOR_TYPES, type ProcessorType } from './processor.js';

type Json = Record<string, unknown>;

function field(obj: Json, key: string): unknown {
  if (!Object.hasOwn(obj, key)) throw new Error(`Missing key: ${key}`);
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
