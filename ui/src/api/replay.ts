// The browser tests' double of the backend: no rules, only answers. A page opened with `?scene=<name>`
// answers each call with what the real commands answered on that scene, recorded in
// ui/e2e/fixtures/<name>.json (by `SHOUWANG_RECORD=1 npm test`, which runs the same tests against the
// Rust fixture backend, src-tauri/examples/fixture_backend). A call is matched by its command, its
// arguments (canonical JSON) and how many times the same call was made before in this tab; a call the
// fixture does not hold fails loudly, naming itself. The scene's options are the page's other query
// parameters. A reload keeps the scene (the count lives in sessionStorage), as the real store outlives a
// reload.
import type { AppError, Events } from '../bindings'
import type { Backend } from '.'

interface Answer { ok?: unknown; err?: AppError; events?: { event: keyof Events; payload: unknown }[] }
interface Recorded { cmd: string; args: unknown; answer: Answer }
interface Opened { mode: 'replay' | 'record'; calls?: Recorded[] }

/** JSON with object keys sorted: the same arguments give the same text whatever the key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v ?? null)
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return res.json() as Promise<T>
}

export async function replayBackend(scene: string, params: URLSearchParams): Promise<Backend> {
  const options: Record<string, string> = {}
  for (const [k, v] of params) if (k !== 'scene' && k !== 'lang') options[k] = v
  const seen = `shouwang-scene:${scene}`
  const resume = sessionStorage.getItem(seen) !== null
  const opened = await post<Opened>('/__open', { scene, options, resume })
  const counts: Record<string, number> = JSON.parse(sessionStorage.getItem(seen) ?? '{}')
  const answers = new Map<string, Answer>()
  for (const c of opened.calls ?? []) {
    const key = `${c.cmd} ${canonical(c.args)}`
    let n = 0
    while (answers.has(`${key} #${n}`)) n++
    answers.set(`${key} #${n}`, c.answer)
  }
  const listeners: { [E in keyof Events]?: ((p: Events[E]) => void)[] } = {}

  async function answer(cmd: string, args: unknown): Promise<Answer> {
    const key = `${cmd} ${canonical(args)}`
    const n = counts[key] ?? 0
    counts[key] = n + 1
    sessionStorage.setItem(seen, JSON.stringify(counts))
    if (opened.mode === 'record') return post<Answer>('/__call', { scene, cmd, args: args ?? null })
    const found = answers.get(`${key} #${n}`)
    if (found) return found
    const message = `场景 ${scene} 没有录制 ${cmd}（第 ${n + 1} 次）：${canonical(args)}`
    void post('/__miss', { scene, cmd, args, n }).catch(() => {})
    console.error(message)
    return { err: { kind: 'failed', field: null, message, en: `scene ${scene} holds no answer to call ${n + 1} of ${cmd} ${canonical(args)}`, violations: [] } as AppError }
  }

  return {
    async call(cmd, args) {
      const a = await answer(cmd, args)
      for (const e of a.events ?? []) listeners[e.event]?.forEach((h) => (h as (p: unknown) => void)(e.payload))
      if (a.err) throw a.err
      return a.ok as never
    },
    async listen(event, handler) {
      const list = (listeners[event] ??= []) as ((p: Events[typeof event]) => void)[]
      list.push(handler)
      return () => list.splice(list.indexOf(handler), 1)
    },
  }
}
