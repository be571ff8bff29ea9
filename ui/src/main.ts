import { createApp } from 'vue'
import 'vant/lib/index.css'
import './style.css'
import { i18n } from './i18n'
import { useBackend } from './api'
import { app as state, listenSync, refreshStatus } from './state'
import { makeRouter } from './router'
import App from './App.vue'
import FirstRun from './views/FirstRun.vue'

async function start() {
  if (__SHOUWANG_FAKE__) {
    const { fakeBackend } = await import('./api/fake')
    useBackend(fakeBackend())
  } else {
    const { tauriBackend } = await import('./api/tauri')
    useBackend(tauriBackend)
  }
  await refreshStatus()
  await listenSync()
  if (!state.status?.registry) {
    createApp(FirstRun).use(i18n).mount('#app')
    return
  }
  const router = makeRouter(state.status.role)
  createApp(App).use(i18n).use(router).mount('#app')
}

void start()
