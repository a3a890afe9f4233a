/**
 * Prometheus remote write (version 1) as a Prometheus server sends it: a snappy block (not framed) holding
 * a protobuf `WriteRequest` (`gnocchi/rest/prometheus/remote.proto`: `repeated TimeSeries timeseries = 1`;
 * `TimeSeries { repeated LabelPair labels = 1; repeated Sample samples = 2 }`; `LabelPair { string name = 1;
 * string value = 2 }`; `Sample { double value = 1; int64 timestamp_ms = 2 }`). Decoded in one pass with
 * protobufjs's Reader, keeping only the labels Gnocchi reads (`__name__`, `job`, `instance`) and refusing,
 * before allocating them, bodies that decompress to more than a limit or hold too many labels or samples.
 */
import { decompress } from '@stablelib/snappy';
import protobuf from 'protobufjs';

/** Limits on one request. */
export interface RemoteWriteLimits {
  /** Largest decompressed size in bytes (the snappy header declares it; checked before decompressing). */
  maxDecompressedBytes: number;
  /** Most labels in one time series. */
  maxLabelsPerSeries: number;
  /** Most samples in one request, all series together. */
  maxSamples: number;
  /** Most series with samples in one request: each may be a new resource and metric, a costly step. */
  maxSeries: number;
}

/**
 * Defaults: 32 MiB decompressed, 1,000 labels per series, 500,000 samples (Prometheus sends 2,000), 10,000
 * series with samples.
 */
export const DEFAULT_REMOTE_WRITE_LIMITS: RemoteWriteLimits = {
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxLabelsPerSeries: 1000,
  maxSamples: 500_000,
  maxSeries: 10_000,
};

/** One sample: timestamp in milliseconds since the epoch, and value. */
export interface RemoteSample {
  timestampMs: number;
  value: number;
}

/** A time series with the labels Gnocchi uses (absent ones undefined; a later duplicate label wins). */
export interface RemoteSeries {
  name?: string;
  job?: string;
  instance?: string;
  samples: RemoteSample[];
}

/** Why a body was refused: `status` 400 (undecodable) or 413 (over a limit), and a message. */
export class RemoteWriteError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteWriteError';
  }
}

/** The length a snappy block declares (its leading little-endian base-128 uint32), or undefined. */
export function snappyDeclaredLength(block: Uint8Array): number | undefined {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i] as number;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return i === 4 && byte > 0x0f ? undefined : value;
  }
  return undefined;
}

/** Decompresses a snappy block, refusing one that declares more than `maxBytes` before allocating. */
export function uncompressSnappy(body: Uint8Array, maxBytes: number): Uint8Array {
  const length = snappyDeclaredLength(body);
  if (length === undefined) {
    throw new RemoteWriteError(400, 'Unable to decompress the body: not a snappy block');
  }
  if (length > maxBytes) {
    throw new RemoteWriteError(
      413,
      `The body decompresses to ${length} bytes, more than the limit of ${maxBytes} bytes`,
    );
  }
  try {
    return decompress(body);
  } catch (e) {
    throw new RemoteWriteError(
      400,
      `Unable to decompress the body: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
}

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LENGTH = 2;

/** Reads one tag: field number and wire type (field 0 is invalid, as for protobuf's own decoders). */
function readTag(reader: protobuf.Reader): [field: number, wire: number] {
  const tag = reader.uint32();
  const field = tag >>> 3;
  if (field === 0) throw new Error(`invalid field number 0 at offset ${reader.pos}`);
  return [field, tag & 7];
}

/** The end of a length-delimited field starting at the reader's position. */
function fieldEnd(reader: protobuf.Reader): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len) throw new Error(`truncated message at offset ${reader.pos}`);
  return end;
}

/** Fails when the last field of a nested message ran past the message's end. */
function checkEnd(reader: protobuf.Reader, end: number): void {
  if (reader.pos !== end) throw new Error(`truncated message at offset ${end}`);
}

function decodeLabel(reader: protobuf.Reader, end: number): [string, string] {
  let name = '';
  let value = '';
  while (reader.pos < end) {
    const [field, wire] = readTag(reader);
    if (field === 1 && wire === WIRE_LENGTH) name = reader.string();
    else if (field === 2 && wire === WIRE_LENGTH) value = reader.string();
    else reader.skipType(wire);
  }
  checkEnd(reader, end);
  return [name, value];
}

function decodeSample(reader: protobuf.Reader, end: number): RemoteSample {
  const sample: RemoteSample = { timestampMs: 0, value: 0 };
  while (reader.pos < end) {
    const [field, wire] = readTag(reader);
    if (field === 1 && wire === WIRE_64BIT) sample.value = reader.double();
    else if (field === 2 && wire === WIRE_VARINT) {
      const ms = reader.int64();
      sample.timestampMs = typeof ms === 'number' ? ms : ms.high * 2 ** 32 + (ms.low >>> 0);
    } else reader.skipType(wire);
  }
  checkEnd(reader, end);
  return sample;
}

/**
 * Decodes a `WriteRequest` into its series that have samples; throws {@link RemoteWriteError} (400 or 413) naming the series at
 * fault (1-based, counting every series).
 */
export function decodeWriteRequest(
  buffer: Uint8Array,
  limits: RemoteWriteLimits = DEFAULT_REMOTE_WRITE_LIMITS,
): RemoteSeries[] {
  const reader = protobuf.Reader.create(buffer);
  const series: RemoteSeries[] = [];
  let samples = 0;
  let index = 0;
  try {
    while (reader.pos < reader.len) {
      const [field, wire] = readTag(reader);
      if (field !== 1 || wire !== WIRE_LENGTH) {
        reader.skipType(wire);
        continue;
      }
      const end = fieldEnd(reader);
      const one: RemoteSeries = { samples: [] };
      index++;
      let labels = 0;
      while (reader.pos < end) {
        const [f, w] = readTag(reader);
        if (f === 1 && w === WIRE_LENGTH) {
          if (++labels > limits.maxLabelsPerSeries) {
            throw new RemoteWriteError(
              400,
              `Time series ${index} has more than ${limits.maxLabelsPerSeries} labels`,
            );
          }
          const [name, value] = decodeLabel(reader, fieldEnd(reader));
          if (name === '__name__') one.name = value;
          else if (name === 'job') one.job = value;
          else if (name === 'instance') one.instance = value;
        } else if (f === 2 && w === WIRE_LENGTH) {
          if (++samples > limits.maxSamples) {
            throw new RemoteWriteError(413, `The body has more than ${limits.maxSamples} samples`);
          }
          one.samples.push(decodeSample(reader, fieldEnd(reader)));
        } else reader.skipType(w);
      }
      checkEnd(reader, end);
      // Series without samples are ignored (Gnocchi does too, after reading their name).
      if (one.samples.length > 0) {
        if (series.length >= limits.maxSeries) {
          throw new RemoteWriteError(413, `The body has more than ${limits.maxSeries} time series`);
        }
        series.push(one);
      }
    }
  } catch (e) {
    if (e instanceof RemoteWriteError) throw e;
    throw new RemoteWriteError(
      400,
      `Unable to decode the body as a protobuf WriteRequest: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return series;
}
