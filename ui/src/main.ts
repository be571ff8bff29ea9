import { createApp } from 'vue'
import 'vant/lib/index.css'
import './style.css'
import { i18n } from './i18n'
import { backend, useBackend } from './api'
import { app as state, listenSync, refreshStatus } from './state'
import { makeRouter } from './router'
import App from './App.vue'
import FirstRun from './views/app/FirstRun.vue'
import LockScreen from './views/lock/LockScreen.vue'
import { call } from './api'

async function start() {
  const scene = new URLSearchParams(location.search).get('scene')
  if (__SHOUWANG_FAKE__ && scene) {
    const { replayBackend } = await import('./api/replay')
    useBackend(await replayBackend(scene, new URLSearchParams(location.search)))
  } else {
    const { tauriBackend } = await import('./api/tauri')
    useBackend(tauriBackend)
  }
  await refreshStatus()
  if (state.status?.locked) {
    // Encrypted and closed: nothing but the lock screen until the PIN opens the store.
    createApp(LockScreen).use(i18n).mount('#app')
    return
  }
  await listenSync()
  if (state.status?.encrypted) watchIdle()
  if (!state.status?.registry) {
    createApp(FirstRun).use(i18n).mount('#app')
    return
  }
  const router = makeRouter(state.status.role)
  createApp(App).use(i18n).use(router).mount('#app')
}

/** The app locks itself after the idle time: a touch or a key resets it (told to Rust at most every
 * 10 s), and when Rust has closed the store the page goes back to the lock screen. */
function watchIdle() {
  let told = 0
  const touched = () => {
    const now = Date.now()
    if (now - told < 10_000) return
    told = now
    void call('touch', null).catch(() => {})
  }
  for (const e of ['pointerdown', 'keydown', 'wheel']) document.addEventListener(e, touched, { passive: true })
  void backend().listen('app-locked', () => location.reload())
}

void start()
