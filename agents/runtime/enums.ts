/**
 * Contract enums are mirrored once, in their domain module, as `{ Name: value }` objects
 * (`Topic`, `ProposalStatus`, the oracle's `Status`, `BasketStatus`, `ComputationStatus`...).
 * Their names, indexed by value, for display and parsing, come from here.
 */
export function enumNames<const T extends Record<string, number>>(values: T): readonly (keyof T & string)[] {
  const names: string[] = [];
  for (const [name, value] of Object.entries(values)) names[value] = name;
  return names as (keyof T & string)[];
}

/** The same names in lower case, words split: `SealedBidAuction` -> `sealed bid auction`. */
export function enumLabels(values: Record<string, number>): readonly string[] {
  return enumNames(values).map((name) => name.replace(/(?<=[a-z])(?=[A-Z])/g, ' ').toLowerCase());
}
