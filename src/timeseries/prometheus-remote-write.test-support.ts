/**
 * TEST SUPPORT ONLY: Prometheus remote-write bodies built independently of the decoder: protobufjs's
 * reflection encoder over Prometheus's `remote.proto` (the messages Gnocchi ships, Apache-2.0, Prometheus
 * Team) and snappy block compression (@stablelib/snappy's compressor, or python3-snappy's).
 */
import { spawnSync } from 'node:child_process';
import { compress } from '@stablelib/snappy';
import protobuf from 'protobufjs';

const REMOTE_PROTO = `
syntax = "proto3";
package remote;
message Sample { double value = 1; int64 timestamp_ms = 2; }
message LabelPair { string name = 1; string value = 2; }
message TimeSeries { repeated LabelPair labels = 1; repeated Sample samples = 2; }
message WriteRequest { repeated TimeSeries timeseries = 1; }
`;

const WRITE_REQUEST = protobuf.parse(REMOTE_PROTO, { keepCase: true }).root.lookupType('remote.WriteRequest');

/** A series to encode: labels as name → value, samples as [timestamp ms, value]. */
export interface SeriesSpec {
  labels: Record<string, string>;
  samples: [timestampMs: number, value: number][];
}

/** The protobuf `WriteRequest` of `series` (labels in the given order). */
export function encodeWriteRequest(series: readonly SeriesSpec[]): Uint8Array {
  const message = WRITE_REQUEST.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels).map(([name, value]) => ({ name, value })),
      samples: s.samples.map(([timestamp_ms, value]) => ({ timestamp_ms, value })),
    })),
  });
  return WRITE_REQUEST.encode(message).finish();
}

/** A snappy block of `data` by @stablelib/snappy's compressor. */
export function snappyBlock(data: Uint8Array): Buffer {
  return Buffer.from(compress(data));
}

/** Debian's python3 (python3-snappy is looked for there). */
const PYTHON = '/usr/bin/python3';

/** Why python3-snappy cannot compress here, or false when it can. */
export function pythonSnappyMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import snappy'], { stdio: 'ignore' });
  return probe.status === 0 ? false : 'python3-snappy is not installed';
}

/** A snappy block of `data` by python3-snappy (`snappy.compress`, the library Gnocchi decompresses with). */
export function pythonSnappyBlock(data: Uint8Array): Buffer {
  const run = spawnSync(
    PYTHON,
    ['-c', 'import sys, snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))'],
    { input: data, maxBuffer: 64 * 1024 * 1024 },
  );
  if (run.status !== 0) throw new Error(`python3-snappy failed: ${run.stderr.toString()}`);
  return run.stdout;
}
