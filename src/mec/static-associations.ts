import { readFileSync } from 'node:fs';
import type { AddressTuple } from '../protocol/messages.js';

/**
 * The associations of an etsi-file configuration: whitespace-separated triples
 * `<client address | *> <appName> <endpoint>` (`*` = any client). An empty file, or one whose words do
 * not make whole triples, is an error naming the file.
 */
export function parseStaticAssociations(text: string, source: string): AddressTuple[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0)
    throw new Error(`Empty ETSI UE application LCM proxy configuration file: ${source}`);
  if (words.length % 3 !== 0)
    throw new Error(
      `Invalid ETSI UE application LCM proxy configuration file ${source}: ` +
        `${words.length} words, expected triples <client address | *> <appName> <endpoint>`,
    );
  const associations: AddressTuple[] = [];
  for (let i = 0; i < words.length; i += 3) {
    associations.push({
      client: words[i] === '*' ? '' : words[i]!,
      appName: words[i + 1]!,
      server: words[i + 2]!,
    });
  }
  return associations;
}

/** Reads the associations of an etsi-file configuration file. */
export function loadStaticAssociations(path: string): AddressTuple[] {
  if (path === '') throw new Error('Empty ETSI UE application LCM proxy configuration file name (--file)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read ETSI UE application LCM proxy configuration file ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return parseStaticAssociations(text, path);
}
