// The backend as the UI sees it: every command and event typed by the generated bindings.
import type { AppError, Commands, Events } from '../bindings'

export interface Backend {
  call<K extends keyof Commands>(cmd: K, args: Commands[K]['args']): Promise<Commands[K]['result']>
  listen<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<() => void>
}

let current: Backend | null = null

export function useBackend(b: Backend) {
  current = b
}

export function backend(): Backend {
  if (!current) throw new Error('backend not set')
  return current
}

export function call<K extends keyof Commands>(cmd: K, args: Commands[K]['args']): Promise<Commands[K]['result']> {
  return backend().call(cmd, args)
}

/** Whether a thrown value is the backend's `{kind, field, message}` error. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e
}
