// The real backend: Tauri's IPC to the Rust commands in src-tauri.
import { invoke } from '@tauri-apps/api/core'
import { listen } from '@tauri-apps/api/event'
import type { Backend } from '.'

export const tauriBackend: Backend = {
  call(cmd, args) {
    return invoke(cmd, args === null ? {} : { args })
  },
  async listen(event, handler) {
    return listen(event, (e) => handler(e.payload as never))
  },
}
