import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

describe('configuration', () => {
  it('defaults to 127.0.0.1:8080 with SQLite and blobs under ./data', () => {
    const c = loadConfig({})
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', logLevel: 'info', database: { kind: 'sqlite' } })
    expect(c.blobRoot.endsWith('/data/blobs')).toBe(true)
    expect(c.s3).toBeUndefined()
  })

  it('serves metrics to loopback only and drains for 60 s unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ metricsToken: undefined, shutdownGraceMs: 60_000 })
    const c = loadConfig({ MODELREG_METRICS_TOKEN: 'a-long-metrics-token', MODELREG_SHUTDOWN_GRACE_SECONDS: '5' })
    expect(c).toMatchObject({ metricsToken: 'a-long-metrics-token', shutdownGraceMs: 5000 })
    expect(() => loadConfig({ MODELREG_METRICS_TOKEN: 'short' })).toThrow(/MODELREG_METRICS_TOKEN/)
    expect(() => loadConfig({ MODELREG_SHUTDOWN_GRACE_SECONDS: '0' })).toThrow(/MODELREG_SHUTDOWN_GRACE_SECONDS/)
  })

  it('refuses private webhook receivers and waits 10 s per attempt unless told otherwise', () => {
    expect(loadConfig({}).webhooks).toEqual({ allowPrivate: false, timeoutMs: 10_000 })
    const c = loadConfig({ MODELREG_WEBHOOK_ALLOW_PRIVATE: 'true', MODELREG_WEBHOOK_TIMEOUT_SECONDS: '3' })
    expect(c.webhooks).toEqual({ allowPrivate: true, timeoutMs: 3000 })
    expect(() => loadConfig({ MODELREG_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/MODELREG_WEBHOOK_ALLOW_PRIVATE/)
    expect(() => loadConfig({ MODELREG_WEBHOOK_TIMEOUT_SECONDS: '0' })).toThrow(/MODELREG_WEBHOOK_TIMEOUT_SECONDS/)
  })

  it('allows no cross-origin callers of /hf by default; takes a list of origins or *', () => {
    expect(loadConfig({}).hf).toEqual({ corsOrigins: [] })
    const c = loadConfig({ MODELREG_HF_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' })
    expect(c.hf.corsOrigins).toEqual(['https://app.example.com', 'http://localhost:5173'])
    expect(loadConfig({ MODELREG_HF_CORS_ORIGINS: '*' }).hf.corsOrigins).toEqual(['*'])
    for (const bad of ['app.example.com', 'https://app.example.com/', 'ftp://x.example', '*,https://a.example']) {
      expect(() => loadConfig({ MODELREG_HF_CORS_ORIGINS: bad }), bad).toThrow(/MODELREG_HF_CORS_ORIGINS/)
    }
  })

  it('inspects one file at a time in threads of niceness 10 unless told otherwise', () => {
    expect(loadConfig({}).inspection).toMatchObject({ concurrency: 1, nice: 10, gateWaitMs: 10_000 })
    expect(loadConfig({ MODELREG_INSPECTION_GATE_WAIT_SECONDS: '0' }).inspection.gateWaitMs).toBe(0)
    expect(loadConfig({ MODELREG_INSPECTION_NICE: '0' }).inspection.nice).toBe(0)
    expect(() => loadConfig({ MODELREG_INSPECTION_NICE: '20' })).toThrow(/MODELREG_INSPECTION_NICE/)
    expect(() => loadConfig({ MODELREG_INSPECTION_NICE: '-1' })).toThrow(/MODELREG_INSPECTION_NICE/)
  })

  it('bounds uploads and connections by default, and takes other limits', () => {
    expect(loadConfig({})).toMatchObject({
      uploads: { maxSessionsPerUser: 20, maxBytesPerUser: 256 * 1024 ** 3, sweepSeconds: 600 },
      http: { headersTimeoutMs: 20_000, idleTimeoutMs: 120_000, keepAliveTimeoutMs: 72_000, maxConnections: 1000 },
    })
    const c = loadConfig({
      MODELREG_MAX_ARTIFACT_BYTES: String(300 * 1024 ** 3),
      MODELREG_MAX_UPLOAD_SESSIONS_PER_USER: '5',
      MODELREG_HEADERS_TIMEOUT_SECONDS: '10',
      MODELREG_MAX_CONNECTIONS: '64',
    })
    expect(c.uploads).toMatchObject({ maxSessionsPerUser: 5, maxBytesPerUser: 300 * 1024 ** 3 })
    expect(c.http).toMatchObject({ headersTimeoutMs: 10_000, maxConnections: 64 })
    expect(() => loadConfig({ MODELREG_MAX_CONNECTIONS: '0' })).toThrow(/MODELREG_MAX_CONNECTIONS/)
    expect(() =>
      loadConfig({ MODELREG_MAX_ARTIFACT_BYTES: '1000', MODELREG_MAX_UPLOAD_BYTES_PER_USER: '999' }),
    ).toThrow(/at least MODELREG_MAX_ARTIFACT_BYTES/)
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

  it('derives the Secure cookie from an https public URL, and takes trusted proxies and sign-in limits', () => {
    const c = loadConfig({
      MODELREG_PUBLIC_URL: 'https://models.example.com/',
      MODELREG_TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8,::1,loopback',
      MODELREG_LOGIN_MAX_FAILURES: '3',
    })
    expect(c).toMatchObject({ host: '127.0.0.1', secureCookies: true, publicUrl: 'https://models.example.com' })
    expect(c.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1', 'loopback'])
    expect(c.login).toEqual({ maxFailures: 3, maxFailuresPerAddress: 20, hashConcurrency: 2 })
    expect(loadConfig({}).secureCookies).toBe(false)
    expect(loadConfig({}).trustedProxies).toEqual([])
  })

  it('refuses a bad public URL, proxy address, and a hash concurrency that would fill the thread pool', () => {
    const bad = () =>
      loadConfig({
        MODELREG_PUBLIC_URL: 'javascript:alert(1)',
        MODELREG_TRUSTED_PROXIES: '10.0.0.0/33,nginx',
        MODELREG_PASSWORD_HASH_CONCURRENCY: '4',
      })
    expect(bad).toThrow(
      /MODELREG_PUBLIC_URL.*\n.*10\.0\.0\.0\/33.*\n.*"nginx".*\n.*MODELREG_PASSWORD_HASH_CONCURRENCY/s,
    )
    expect(
      loadConfig({ UV_THREADPOOL_SIZE: '16', MODELREG_PASSWORD_HASH_CONCURRENCY: '4' }).login.hashConcurrency,
    ).toBe(4)
  })

  it('names every bad value at once', () => {
    const bad = () =>
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', MODELREG_BLOB_STORE: 's3' })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow(/PORT.*\n.*LOG_LEVEL.*\n.*DATABASE_URL.*\n.*MODELREG_S3_BUCKET/s)
  })
})
