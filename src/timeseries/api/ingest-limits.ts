import { Conf } from '../../support/conf.js';
import { DEFAULT_REMOTE_WRITE_LIMITS, type RemoteWriteLimits } from '../prometheus-remote-write.js';
import { DEFAULT_INFLUXDB_LIMITS, type InfluxdbLimits } from './routes-influxdb.js';

/** A conf string's keys mapped to the fields of a limits object. */
type KeyMap<L> = Record<string, keyof L>;

const INFLUXDB_KEYS: KeyMap<InfluxdbLimits> = {
  lines: 'maxLines',
  values: 'maxValues',
  'decompressed-bytes': 'maxDecompressedBytes',
  metrics: 'maxMetrics',
};

const REMOTE_WRITE_KEYS: KeyMap<RemoteWriteLimits> = {
  'decompressed-bytes': 'maxDecompressedBytes',
  labels: 'maxLabelsPerSeries',
  samples: 'maxSamples',
  series: 'maxSeries',
};

/** The limits a conf string sets over `defaults`; every key known, every value a positive integer. */
function parseLimits<L extends object>(option: string, text: string, keys: KeyMap<L>, defaults: L): L {
  const conf = Conf.parse(text);
  const out = { ...defaults };
  for (const key of conf.keys()) {
    const field = keys[key];
    if (field === undefined)
      throw new Error(`Invalid ${option} key '${key}': one of ${Object.keys(keys).join(', ')}`);
    const value = Number(conf.get(key));
    if (!Number.isSafeInteger(value) || value < 1)
      throw new Error(`Invalid ${option} ${key} '${conf.get(key)}': a positive integer`);
    (out as Record<keyof L, number>)[field] = value;
  }
  return out;
}

/** `--influxdb-limits lines=N,values=N,decompressed-bytes=N,metrics=N` (each optional) over the defaults. */
export function parseInfluxdbLimits(text: string): InfluxdbLimits {
  return parseLimits('--influxdb-limits', text, INFLUXDB_KEYS, DEFAULT_INFLUXDB_LIMITS);
}

/** `--remote-write-limits decompressed-bytes=N,labels=N,samples=N,series=N` (each optional) over the defaults. */
export function parseRemoteWriteLimits(text: string): RemoteWriteLimits {
  return parseLimits('--remote-write-limits', text, REMOTE_WRITE_KEYS, DEFAULT_REMOTE_WRITE_LIMITS);
}
