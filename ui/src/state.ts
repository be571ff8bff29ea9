// The app-wide state: what app_status said, and the sync indicator's live values.
import { reactive } from 'vue'
import type { AppStatus, SyncProgress } from './bindings'
import { backend, call } from './api'

export const app = reactive({
  status: null as AppStatus | null,
  progress: null as SyncProgress | null,
  loading: true,
})

export async function refreshStatus() {
  app.status = await call('app_status', null)
  app.loading = false
}

export async function syncNow() {
  try {
    const view = await call('sync_now', null)
    if (app.status) app.status.sync = view
  } catch (e) {
    // The indicator shows the recorded error; the loop retries with backoff.
    if (app.status) app.status.sync = await call('sync_status', null)
  } finally {
    app.progress = null
  }
}

export async function listenSync() {
  await backend().listen('sync-progress', (p) => (app.progress = p))
  await backend().listen('sync-status', (v) => {
    if (app.status) app.status.sync = v
    if (!v.syncing) app.progress = null
  })
  // Mobile has no background sync: sync when the app comes back or the network returns.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && app.status?.sync.enrolled) void syncNow()
  })
  window.addEventListener('online', () => {
    if (app.status?.sync.enrolled) void syncNow()
  })
}
