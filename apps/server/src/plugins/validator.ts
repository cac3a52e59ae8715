// TypeBox validation; bodies are never coerced, and query/path strings are converted only when lossless
// (TypeBox alone would turn limit=1.5 into 1 and accept it).
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { FastifySchemaCompiler } from 'fastify'
import type { TSchema } from 'typebox'

export const strictValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route)
  if (route.httpPart === 'body' || route.httpPart === 'headers') return validate
  const properties = (route.schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {}
  return (value: unknown) => {
    const raw = (value ?? {}) as Record<string, unknown>
    for (const [key, prop] of Object.entries(properties)) {
      const v = raw[key]
      if (typeof v !== 'string') continue
      const lossy =
        ((prop.type === 'integer' || prop.type === 'number') && !/^-?\d+(\.\d+)?$/.test(v)) ||
        (prop.type === 'integer' && !/^-?\d+$/.test(v)) ||
        (prop.type === 'boolean' && v !== 'true' && v !== 'false')
      if (lossy) {
        const error = {
          keyword: 'type',
          instancePath: `/${key}`,
          schemaPath: `#/properties/${key}`,
          params: { type: prop.type },
          message: `must be ${String(prop.type)}`,
        }
        return { error: [error] } as ReturnType<ReturnType<typeof TypeBoxValidatorCompiler>>
      }
    }
    return validate(value)
  }
}
