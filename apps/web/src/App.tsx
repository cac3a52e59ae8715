import { Center, Loader } from '@mantine/core'
import { lazy, Suspense } from 'react'
import { Navigate, Route, Routes } from 'react-router'
import { SignInPage } from './auth/SignInPage'
import { SessionProvider, useSession } from './auth/session'
import { DeploymentsPage } from './deployments/DeploymentsPage'
import { ExperimentsPage } from './experiments/ExperimentsPage'
import { Shell } from './layout/Shell'
import { CompareVersionsPage } from './models/CompareVersionsPage'
import { ModelDetailsPage } from './models/ModelDetailsPage'
import { ModelsPage } from './models/ModelsPage'
import { MembersPage } from './settings/MembersPage'
import { TokensPage } from './settings/TokensPage'
import { WebhooksPage } from './webhooks/WebhooksPage'

// Charts (recharts) are most of the bundle: loaded only when Analytics is opened.
const AnalyticsPage = lazy(() => import('./analytics/AnalyticsPage').then((m) => ({ default: m.AnalyticsPage })))

export function App() {
  return (
    <SessionProvider
      fallback={
        <Center mih="100vh">
          <Loader aria-label="Loading" />
        </Center>
      }
    >
      <Screens />
    </SessionProvider>
  )
}

function Screens() {
  const { session } = useSession()
  if (!session) return <SignInPage />
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to="/models" replace />} />
        <Route path="/models" element={<ModelsPage />} />
        <Route path="/models/:org/:name" element={<ModelDetailsPage />} />
        <Route path="/models/:org/:name/compare" element={<CompareVersionsPage />} />
        <Route path="/deployments" element={<DeploymentsPage />} />
        <Route path="/experiments" element={<ExperimentsPage />} />
        <Route path="/experiments/:id" element={<ExperimentsPage />} />
        <Route
          path="/analytics"
          element={
            <Suspense fallback={<Loader aria-label="Loading" />}>
              <AnalyticsPage />
            </Suspense>
          }
        />
        <Route path="/settings/tokens" element={<TokensPage />} />
        <Route path="/settings/members" element={<MembersPage />} />
        <Route path="/settings/webhooks" element={<WebhooksPage />} />
        <Route path="*" element={<Navigate to="/models" replace />} />
      </Routes>
    </Shell>
  )
}
