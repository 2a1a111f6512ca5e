export type Option = { value: string; label: string };

/** One editable field of a list entry, as EntryList renders it. */
export type FieldSpec = {
  key: string;
  label: string;
  type: 'text' | 'date' | 'number' | 'checkbox' | 'select';
  options?: readonly Option[];
  /** Relative width in the entry's row. */
  grow?: number;
  placeholder?: string;
};

export const options = (values: readonly string[], labels?: Record<string, string>): Option[] =>
  values.map((value) => ({ value, label: labels?.[value] ?? value }));

/** A select's options, keeping a stored value that is not among them (written by an older client). */
export function withCurrent(opts: readonly Option[], current: string): readonly Option[] {
  return !current || opts.some((o) => o.value === current)
    ? opts
    : [...opts, { value: current, label: current }];
}

/** The words a select shows for a stored value, for the same value read without the select. */
export function labelOf(opts: readonly Option[], value: string): string {
  return opts.find((o) => o.value === value)?.label ?? value;
}

/** Parses a number input: empty or invalid is null (no value), not 0. */
export function numberOrNull(raw: string): number | null {
  if (raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}
