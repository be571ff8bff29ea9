// The UI bundle's figures: every file of a built dist/ with its gzip size, the largest chunk, and the
// initial chunks (what index.html loads before any screen: its module script, the modules it
// preloads, its stylesheet). A baseline dist is built from another commit's ui/ (git archive, the same
// node_modules) so the two builds sit side by side.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

/** Gzip size of a buffer, at level 6 as a web server would send it. */
export const gzipBytes = (buf) => gzipSync(buf, { level: 6 }).length

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}

/** The figures of one built dist/ directory. */
export function bundleFigures(dist) {
  const files = walk(dist).map((path) => {
    const body = readFileSync(path)
    return { file: relative(dist, path), bytes: body.length, gzip: gzipBytes(body) }
  })
  const sum = (list, key) => list.reduce((n, f) => n + f[key], 0)
  const js = files.filter((f) => f.file.endsWith('.js'))
  const css = files.filter((f) => f.file.endsWith('.css'))
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const linked = [...html.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1])
  const initial = files.filter((f) => linked.includes(f.file))
  const largest = [...js, ...css].sort((a, b) => b.bytes - a.bytes)[0]
  return {
    files,
    total: sum(files, 'bytes'),
    js: { bytes: sum(js, 'bytes'), gzip: sum(js, 'gzip'), count: js.length },
    css: { bytes: sum(css, 'bytes'), gzip: sum(css, 'gzip'), count: css.length },
    largest,
    initial: { files: initial.map((f) => f.file), bytes: sum(initial, 'bytes'), gzip: sum(initial, 'gzip') },
  }
}

/** The figures of the files a screen fetched (paths as the server saw them, e.g. /assets/x.js). */
export function fetchedFigures(figures, paths) {
  const wanted = new Set(paths.map((p) => p.replace(/^\//, '')))
  const hit = figures.files.filter((f) => wanted.has(f.file) && /\.(js|css)$/.test(f.file))
  return {
    files: hit.map((f) => f.file),
    bytes: hit.reduce((n, f) => n + f.bytes, 0),
    gzip: hit.reduce((n, f) => n + f.gzip, 0),
  }
}

const git = (root, ...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim()

/**
 * The commit whose UI is the baseline: HEAD when ui/ has uncommitted changes, otherwise the parent of
 * the last commit that changed ui/.
 */
export function baselineRef(root) {
  const dirty = git(root, 'status', '--porcelain', '--', 'ui').length > 0
  if (dirty) return git(root, 'rev-parse', '--short', 'HEAD')
  const last = git(root, 'log', '-n', '1', '--format=%H', '--', 'ui')
  return git(root, 'rev-parse', '--short', `${last}~1`)
}

/** Builds `ref`'s ui/ with vite (no type check) in a temporary directory; returns its dist/ and a cleanup. */
export function buildAt(root, ref) {
  const dir = mkdtempSync(join(tmpdir(), 'shouwang-bench-ui-'))
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  try {
    execFileSync('sh', ['-c', `git -C "$0" archive "$1" ui | tar -x -C "$2"`, root, ref, dir])
    const ui = join(dir, 'ui')
    symlinkSync(join(root, 'ui/node_modules'), join(ui, 'node_modules'))
    execFileSync(join(root, 'ui/node_modules/.bin/vite'), ['build', '--logLevel', 'error'], { cwd: ui, stdio: 'inherit' })
    return { dist: join(ui, 'dist'), cleanup }
  } catch (e) {
    cleanup()
    throw e
  }
}
