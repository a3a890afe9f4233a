/** The COVID fields the GUI offers: the contract's CSV columns with English labels and their kind. */
import { COVID_FIELDS, type CovidField } from '../../src/covid/contract.js';

/** How a field behaves over time. */
export type FieldKind = 'flow' | 'stock' | 'cumulative';

/** A field with its label (English; the Italian column name is kept as the identifier). */
export interface FieldInfo {
  name: CovidField;
  label: string;
  kind: FieldKind;
}

const INFO: Record<CovidField, Omit<FieldInfo, 'name'>> = {
  ricoverati_con_sintomi: { label: 'Hospitalised with symptoms', kind: 'stock' },
  terapia_intensiva: { label: 'In intensive care', kind: 'stock' },
  totale_ospedalizzati: { label: 'Hospitalised, total', kind: 'stock' },
  isolamento_domiciliare: { label: 'In home isolation', kind: 'stock' },
  totale_positivi: { label: 'Currently positive', kind: 'stock' },
  variazione_totale_positivi: { label: 'Daily change of currently positive', kind: 'flow' },
  nuovi_positivi: { label: 'New positive cases', kind: 'flow' },
  dimessi_guariti: { label: 'Recovered / discharged', kind: 'cumulative' },
  deceduti: { label: 'Deaths', kind: 'cumulative' },
  totale_casi: { label: 'Total cases', kind: 'cumulative' },
  tamponi: { label: 'Tests performed', kind: 'cumulative' },
};

/** Every field, in the contract's order. */
export const FIELDS: FieldInfo[] = COVID_FIELDS.map((name) => ({ name, ...INFO[name] }));

/** The field shown when the URL names none. */
export const DEFAULT_FIELD: CovidField = 'nuovi_positivi';

/** Words for each kind, shown next to the label. */
export const KIND_TEXT: Record<FieldKind, string> = {
  flow: 'daily',
  stock: 'on the day',
  cumulative: 'cumulative',
};

/** The field named `name`, or undefined when it is not a COVID field. */
export function fieldInfo(name: string | undefined): FieldInfo | undefined {
  return FIELDS.find((f) => f.name === name);
}
