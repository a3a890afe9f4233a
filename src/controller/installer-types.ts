import type {
  InstallerContext,
  InstallerFactory,
  InstallerLogic,
  InstallerOptions,
} from './installer-logic.js';
import { FlatInstallerLogic } from './installer-flat.js';
import { HierInstallerLogic } from './installer-hier.js';

/** The installer logics of this release, by `--installer-type` name. */
export const INSTALLER_TYPES: ReadonlyMap<string, InstallerFactory> = new Map<string, InstallerFactory>([
  ['flat', (context) => new FlatInstallerLogic(context)],
  ['hier', (context, options) => new HierInstallerLogic(context, options)],
]);

/** The valid `--installer-type` names, sorted and comma-separated as the original lists them. */
export function installerTypeNames(): string {
  return [...INSTALLER_TYPES.keys()].sort().join(',');
}

/** Creates the installer logic of a type; an unknown type fails naming the valid ones. */
export function createInstallerLogic(
  type: string,
  context: InstallerContext,
  options: InstallerOptions = {},
): InstallerLogic {
  const factory = INSTALLER_TYPES.get(type);
  if (factory === undefined) {
    throw new Error(`Invalid installer type '${type}', choose one in: ${installerTypeNames()}`);
  }
  return factory(context, options);
}
