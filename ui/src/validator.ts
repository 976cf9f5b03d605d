// RJSF's validator over @cfworker/json-schema, which interprets schemas instead of compiling them
// to code: the UI's Content-Security-Policy has no 'unsafe-eval', which Ajv needs.

import { Validator } from '@cfworker/json-schema';
import type {
  CustomValidator,
  ErrorSchema,
  ErrorTransformer,
  RJSFSchema,
  RJSFValidationError,
  UiSchema,
  ValidationData,
  ValidatorType,
} from '@rjsf/utils';
import { toErrorSchema } from '@rjsf/utils';

// wrappers that only say "a child failed": the child's own error is the one to show
const WRAPPERS = new Set(['properties', 'items', 'prefixItems', '$ref', 'allOf', 'additionalItems', 'unevaluatedProperties', 'contains', 'patternProperties', 'dependentSchemas', 'if', 'then', 'else', 'not', 'propertyNames']);

function pointerToPath(location: string): string[] {
  return location
    .replace(/^#/, '')
    .split('/')
    .filter((p) => p !== '')
    .map((p) => decodeURIComponent(p.replace(/~1/g, '/').replace(/~0/g, '~')));
}

function messageOf(keyword: string, error: string): string {
  // "Instance has "x" …" reads oddly next to a field: keep the gist
  return error
    .replace(/^Instance (does not have required property "[^"]+")\.?$/, 'is required')
    .replace(/^Instance /, 'Value ')
    .replace(/\.$/, '') || keyword;
}

/** Validates `data` against `schema` (with `root`'s definitions for $refs) into RJSF's errors. */
export function validate(schema: any, data: unknown, root?: any): RJSFValidationError[] {
  const full = root && root !== schema ? { ...schema, $defs: root.$defs, definitions: root.definitions } : schema;
  const result = new Validator(full, '2020-12', false).validate(data);
  if (result.valid) {
    return [];
  }
  const errors: RJSFValidationError[] = [];
  for (const e of result.errors) {
    if (WRAPPERS.has(e.keyword) || /\/(anyOf|oneOf)\/\d+/.test(e.keywordLocation)) {
      continue;
    }
    let path = pointerToPath(e.instanceLocation);
    if (e.keyword === 'required') {
      const missing = /"([^"]+)"/.exec(e.error)?.[1];
      if (missing) {
        path = [...path, missing];
      }
    }
    if (e.keyword === 'additionalProperties' || e.keyword === 'false') {
      const extra = /Property "([^"]+)"/.exec(e.error)?.[1];
      if (e.keyword === 'false' || !extra) {
        continue;
      }
      errors.push({
        name: 'additionalProperties',
        property: path.length ? `.${path.join('.')}` : '.',
        message: `must not have the property "${extra}"`,
        stack: `${path.join('.')} must not have the property "${extra}"`,
        params: {},
        schemaPath: e.keywordLocation,
      });
      continue;
    }
    const property = path.length ? `.${path.join('.')}` : '.';
    const message = messageOf(e.keyword, e.error);
    errors.push({ name: e.keyword, property, message, stack: `${path.join('.') || 'value'} ${message}`, params: {}, schemaPath: e.keywordLocation });
  }
  return errors;
}

export class CspSafeValidator implements ValidatorType<any, RJSFSchema, any> {
  validateFormData(
    formData: any,
    schema: RJSFSchema,
    customValidate?: CustomValidator<any, RJSFSchema, any>,
    transformErrors?: ErrorTransformer<any, RJSFSchema, any>,
    uiSchema?: UiSchema<any, RJSFSchema, any>,
  ): ValidationData<any> {
    let errors = validate(schema, formData);
    if (transformErrors) {
      errors = transformErrors(errors, uiSchema);
    }
    const errorSchema = toErrorSchema<any>(errors) as ErrorSchema<any>;
    void customValidate;
    return { errors, errorSchema };
  }

  isValid(schema: RJSFSchema, formData: any, rootSchema: RJSFSchema): boolean {
    try {
      return validate(schema, formData, rootSchema).length === 0;
    } catch {
      return false;
    }
  }

  rawValidation<Result = any>(schema: RJSFSchema, formData?: any): { errors?: Result[]; validationError?: Error } {
    try {
      return { errors: validate(schema, formData) as unknown as Result[] };
    } catch (e) {
      return { validationError: e as Error };
    }
  }

  reset() {}
}

export const validator = new CspSafeValidator();
