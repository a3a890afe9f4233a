import { readFileSync } from 'node:fs';
import { loadDescription } from '../computer-description.js';
import { profiles, type Profile } from './profile.js';

/** A computer described by a JSON file: `type=file,path=<json>` (format of `--json-example`). */
const fileProfile: Profile = (computer, conf) => {
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

/** Registers the `file` profile. */
export function setup(): void {
  profiles.register('file', fileProfile);
}
