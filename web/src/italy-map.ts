/** The region outlines of `@svg-maps/italy` (CC-BY-4.0, credited in the footer), typed. */
import italy from '@svg-maps/italy';

/** One region outline. */
export interface MapLocation {
  id: string;
  name: string;
  path: string;
}

/** The map: its SVG viewBox and the 20 regions. */
export const ITALY_MAP = italy as unknown as { label: string; viewBox: string; locations: MapLocation[] };
