import { distance } from 'fastest-levenshtein';
import type { z } from 'zod';

// Operators' input is validated by zod schemas, the same ones the router's OpenAPI document is
// generated from; a refusal names the one field at fault, as the contract asks.

/** A refused field of an operator's input, named so the operator can fix it. */
export interface FieldError {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: FieldError };

/**
 * How a field is named: 'top' by its top-level property (a record's fields, e.g. `roles` for a
 * bad element of it), 'path' by its whole path (`rules[2].limit`, for rule sets).
 */
export type FieldNaming = { style: 'top' | 'path'; root: string };

function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

/**
 * The first issue zod found, as the field it names and the schema's message for it. zod reports
 * a record's issues in the order of its properties, so the first is the first field at fault.
 */
export function firstFieldError(error: z.ZodError, naming: FieldNaming): FieldError {
  const issue = error.issues[0];
  const path = naming.style === 'top' ? issue.path.slice(0, 1) : issue.path;
  // The object's own error names what is wrong with an unknown property (see objectError).
  if (issue.code === 'unrecognized_keys') return { field: pathText([...path, issue.keys[0]]), message: issue.message };
  return { field: path.length === 0 ? naming.root : pathText(path), message: issue.message };
}

/** Runs a schema, answering its value or its first field error. */
export function parseWith<T>(schema: z.ZodType<T>, input: unknown, naming: FieldNaming): Parsed<T> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: firstFieldError(result.error, naming) };
}

/**
 * The error of a strict object: `notObject` when the input is not one, `unknownProperty` for a
 * property it does not know.
 */
export function objectError(notObject: string, unknownProperty = 'unknown property') {
  return { error: (issue: { code: string }) => (issue.code === 'unrecognized_keys' ? unknownProperty : notObject) };
}

/**
 * The first property of `input` that `known` lacks but that is a near miss of one it has (the same
 * name in another case, or one or two letters off: `importSuplier`), with the name it misses. A
 * record that keeps other properties (an inventory's own columns) keeps them ignored; a
 * misspelling of a known one would drop what the operator meant to set, silently.
 */
export function misspeltProperty(input: unknown, known: readonly string[]): { property: string; meant: string } | undefined {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return undefined;
  for (const property of Object.keys(input)) {
    if (known.includes(property)) continue;
    const lower = property.toLowerCase();
    for (const meant of known) {
      // Compared in lower case (another case is no edit at all); two edits only in a long name: `state` is not taken for `status`.
      if (distance(lower, meant.toLowerCase()) <= (meant.length >= 8 ? 2 : 1)) return { property, meant };
    }
  }
  return undefined;
}
