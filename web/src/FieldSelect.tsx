/** The field selector: English label, kind, and the Italian column name it reads. */
import { FIELDS, KIND_TEXT, type FieldInfo } from './fields.js';

/** Props of {@link FieldSelect}. */
export interface FieldSelectProps {
  field: FieldInfo;
  onChange: (name: string) => void;
}

/** Renders the labelled select. */
export function FieldSelect({ field, onChange }: FieldSelectProps) {
  return (
    <label class="control field-select">
      <span class="control-label">Field</span>
      <select data-testid="field-select" value={field.name} onChange={(e) => onChange(e.currentTarget.value)}>
        {FIELDS.map((f) => (
          <option key={f.name} value={f.name}>
            {f.label} ({KIND_TEXT[f.kind]})
          </option>
        ))}
      </select>
      <span class="control-hint">
        Italian column <code>{field.name}</code>
      </span>
    </label>
  );
}
