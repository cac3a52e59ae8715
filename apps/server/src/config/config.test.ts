import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('configuration', () => {
  it('defaults to 127.0.0.1:8080 with SQLite and blobs under ./data', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'info', database: { kind: 'sqlite' } })
    expect(c.blobRoot.endsWith('/data/blobs')).toBe(true)
    expect(c.s3).toBeUndefined()
  })

  it('switches to PostgreSQL for a postgres:// URL and to S3 when asked', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/reg',
      MODELREG_BLOB_STORE: 's3',
      MODELREG_S3_BUCKET: 'models',
      MODELREG_S3_ENDPOINT: 'http://127.0.0.1:7480',
    })
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/reg' })
    expect(c.s3).toMatchObject({ bucket: 'models', region: 'us-east-1', forcePathStyle: true })
  })

  it('names every bad value at once', () => {
    const bad = () =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', MODELREG_BLOB_STORE: 's3' })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow(/PORT.*\n.*LOG_LEVEL.*\n.*DATABASE_URL.*\n.*MODELREG_S3_BUCKET/s)
  })
})
