// A static server for the test build (dist-fake/), on a free loopback port, and the scenes' backend:
// `POST /__open` starts a page's scene, `POST /__call` answers a call, `POST /__miss` notes a call the
// fixture lacks. By default a scene replays ui/e2e/fixtures/<scene>.json (no Rust needed). With
// SHOUWANG_RECORD=1 it spawns the Rust fixture backend (target/debug/examples/fixture_backend, built by
// `cargo build -p shouwang-app --examples`), which answers through the real commands on the same
// deterministic scene, and writes each scene's fixture when the server closes.
import http from 'node:http'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' }
const here = dirname(fileURLToPath(import.meta.url))
export const FIXTURES = join(here, 'fixtures')
const BACKEND = process.env.SHOUWANG_FIXTURE_BACKEND ?? join(here, '../../target/debug/examples/fixture_backend')

/** The Rust fixture backend: one request a line, answered in order. */
function backend() {
  const child = spawn(BACKEND, [], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, SHOUWANG_DEMO_PIN: '246810' } })
  const waiting = []
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)))
  let queue = Promise.resolve()
  const send = (req) => {
    const answer = queue.then(() => new Promise((resolve) => { waiting.push(resolve); child.stdin.write(JSON.stringify(req) + '\n') }))
    queue = answer.catch(() => {})
    return answer
  }
  return { send, close: () => { child.stdin.end(); return new Promise((r) => child.once('exit', r)) } }
}

/** JSON with object keys sorted (as ui/src/api/replay.ts matches calls). */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`
  return JSON.stringify(v ?? null)
}

async function body(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  return JSON.parse(Buffer.concat(chunks).toString() || 'null')
}

export async function serve(root, { record = process.env.SHOUWANG_RECORD === '1' } = {}) {
  const rust = record ? backend() : null
  const recorded = new Map() // scene → { options, calls }
  const sessions = new Map() // scene → how many times each call was made since the page opened it
  const misses = []
  const json = (res, v, status = 200) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)) }
  const routes = {
    async '/__open'({ scene, options, resume }) {
      if (record) {
        // A page opening a scene again (another size or language of a screen that only reads) gets a
        // fresh device; only calls the scene's fixture does not hold yet are added to it.
        if (!resume || !recorded.has(scene)) {
          if (!recorded.has(scene)) recorded.set(scene, { options, calls: [] })
          sessions.set(scene, new Map())
          await rust.send({ scene, open: options })
        }
        return { mode: 'record' }
      }
      const fixture = JSON.parse(await readFile(join(FIXTURES, `${scene}.json`), 'utf8'))
      if (JSON.stringify(fixture.options) !== JSON.stringify(options)) {
        throw new Error(`scene ${scene}: the page's options ${JSON.stringify(options)} are not the fixture's ${JSON.stringify(fixture.options)}`)
      }
      return { mode: 'replay', calls: fixture.calls }
    },
    async '/__call'({ scene, cmd, args }) {
      const answer = await rust.send({ scene, call: cmd, args })
      const key = `${cmd} ${canonical(args)}`
      const n = sessions.get(scene).get(key) ?? 0
      sessions.get(scene).set(key, n + 1)
      const f = recorded.get(scene)
      if (f.calls.filter((c) => `${c.cmd} ${canonical(c.args)}` === key).length <= n) f.calls.push({ cmd, args, answer })
      return answer
    },
    async '/__miss'(m) {
      misses.push(m)
      return null
    },
  }
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x')
    if (req.method === 'POST' && routes[url.pathname]) {
      try {
        json(res, await routes[url.pathname](await body(req)))
      } catch (e) {
        json(res, { error: String(e?.message ?? e) }, 500)
      }
      return
    }
    const path = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(root, path === '/' ? 'index.html' : path)
    try {
      const content = await readFile(file)
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
      res.end(content)
    } catch {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    /** Calls the pages made that their fixtures did not hold. */
    misses,
    async close() {
      await new Promise((r) => server.close(r))
      if (!rust) return
      await rust.close()
      await mkdir(FIXTURES, { recursive: true })
      for (const [scene, f] of recorded) await writeFile(join(FIXTURES, `${scene}.json`), JSON.stringify(f, null, 2) + '\n')
    },
  }
}
