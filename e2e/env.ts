export const PORT = Number(process.env.E2E_PORT ?? 4791)
export const ADMIN_PASSWORD = 'e2e-admin-password'
export const BASE_URL = `http://127.0.0.1:${PORT}`
