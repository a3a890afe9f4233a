import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { compileFunction } from 'node:vm';
import type * as OpenCv from '@techstark/opencv-js';

/** The OpenCV.js module object. */
export type Cv = typeof OpenCv;

/** OpenCV.js in two parts: its Emscripten glue (JavaScript) and its WebAssembly, compiled. */
export interface OpenCvParts {
  /** The glue's source, without the WebAssembly it embeds. */
  glue: string;
  /** The WebAssembly, compiled once; worker threads given it share its code. */
  module: WebAssembly.Module;
}

const require = createRequire(import.meta.url);
const FILE = require.resolve('@techstark/opencv-js');

/** Where the pinned build embeds its WebAssembly: a base64 data URI in one string literal. */
const PAYLOAD_START = 'var wasmBinaryFile="data:application/octet-stream;base64,';
/** How the pinned build's UMD wrapper calls the Emscripten factory with its own empty Module. */
const FACTORY_CALL = "  if (typeof Module === 'undefined')\n    var Module = {};\n  return cv(Module);";

/** The only occurrence of `needle` in `text`; throws if there is none or more than one. */
function onlyIndex(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0 || text.indexOf(needle, at + 1) >= 0) {
    throw new Error(
      `${FILE} is not the OpenCV.js build this loader knows (@techstark/opencv-js 4.12.0-release.1)`,
    );
  }
  return at;
}

let parts: OpenCvParts | undefined;

/**
 * Splits OpenCV.js once per process: its 10.6 MB base64 WebAssembly is decoded and compiled here, and the
 * 225 kB of glue kept. Loaded whole, each instance held the 10.8 MB source and its string literal on its
 * heap and compiled its own copy of the code (about 80 MB RSS a worker thread).
 */
export function openCvParts(): OpenCvParts {
  if (parts !== undefined) return parts;
  const source = readFileSync(FILE, 'latin1');
  const start = onlyIndex(source, PAYLOAD_START);
  const end = source.indexOf('"', start + PAYLOAD_START.length);
  const wasm = Buffer.from(source.slice(start + PAYLOAD_START.length, end), 'base64');
  const factory = onlyIndex(source, FACTORY_CALL);
  const glue =
    source.slice(0, start) +
    'var wasmBinaryFile="opencv.wasm"' +
    source.slice(end + 1, factory) +
    '  return cv(soeModule);' +
    source.slice(factory + FACTORY_CALL.length);
  parts = { glue, module: new WebAssembly.Module(wasm) };
  return parts;
}

/**
 * Instantiates OpenCV.js from its parts (this thread's own instance: its own memory, the shared code) and
 * waits for its runtime. The module object has a `then` that resolves to itself: it is wrapped, never
 * awaited or resolved with.
 */
export async function instantiateOpenCv(p: OpenCvParts = openCvParts()): Promise<{ cv: Cv }> {
  let initialized!: () => void;
  const ready = new Promise<void>((resolve) => (initialized = resolve));
  const emscriptenModule = {
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ): WebAssembly.Exports {
      const instance = new WebAssembly.Instance(p.module, imports);
      receive(instance, p.module);
      return instance.exports;
    },
    onRuntimeInitialized: () => initialized(),
  };
  const load = compileFunction(
    p.glue,
    ['exports', 'require', 'module', '__filename', '__dirname', 'soeModule'],
    {
      filename: FILE,
    },
  ) as (...args: unknown[]) => void;
  const mod = { exports: {} as Record<string, unknown> };
  load(mod.exports, require, mod, FILE, dirname(FILE), emscriptenModule);
  const cv = mod.exports as unknown as Cv;
  if (typeof (cv as { Mat?: unknown }).Mat !== 'function') await ready;
  return { cv };
}
