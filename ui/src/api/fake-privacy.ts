// The app lock's commands in the in-memory double (browser tests only). The real lock unwraps the
// registry's key with the PIN (Argon2id) and opens the encrypted store (src-tauri/src/lock.rs); here a
// PIN is compared, wrong ones counted and the back-off shown the same way.
import type { Commands, LockView } from '../bindings'

type Names = 'lock_status' | 'unlock' | 'lock_now' | 'set_idle_minutes' | 'change_pin' | 'touch'
type Handlers = { [K in Names]: (args: Commands[K]['args']) => Commands[K]['result'] }

/** The lock's state, shared with the double's `app_status`. */
export interface LockCtx {
  locked: boolean
  encrypted: boolean
  pin: string
  failures: number
  idle: number
  demo: string | null
}

export const FAKE_DEMO_PIN = '246810'

export function lockState(params: URLSearchParams): LockCtx {
  const locked = params.get('locked') === '1'
  return { locked, encrypted: params.get('fresh') !== '1', pin: FAKE_DEMO_PIN, failures: 0, idle: 5, demo: locked ? FAKE_DEMO_PIN : null }
}

export function privacyHandlers(lock: LockCtx): Handlers {
  const view = (): LockView => ({
    locked: lock.locked, encrypted: lock.encrypted, failures: lock.failures, attempts_left: Math.max(0, 5 - lock.failures),
    wait_seconds: lock.failures >= 5 ? 30 * 2 ** (lock.failures - 5) : 0, idle_minutes: lock.idle, demo_pin: lock.demo,
  })
  const pinError = (field: string, message: string, en: string) => ({ kind: 'invalid', field, message, en, violations: [{ field, rule: 'pin', message, en, warning: false }] })
  return {
    lock_status: () => view(),
    unlock: (a) => {
      if (lock.failures >= 5) throw { kind: 'refused', field: 'pin', message: `PIN 错误次数过多，请 ${view().wait_seconds} 秒后再试`, en: `too many wrong PINs: try again in ${view().wait_seconds} s`, violations: [] }
      if (a.pin !== lock.pin) {
        lock.failures += 1
        const left = Math.max(0, 5 - lock.failures)
        throw pinError('pin', `PIN 不正确（已错 ${lock.failures} 次，还可再试 ${left} 次）`, `wrong PIN (${lock.failures} wrong so far, ${left} more before a wait)`)
      }
      lock.failures = 0
      lock.locked = false
      sessionStorage.setItem('shouwang-fake-unlocked', '1')
      return null as never // replaced by the shared double with its status
    },
    lock_now: () => {
      lock.locked = true
      sessionStorage.removeItem('shouwang-fake-unlocked')
      return view()
    },
    set_idle_minutes: (a) => {
      if (a.minutes < 1 || a.minutes > 60) throw pinError('minutes', '自动锁定时间须为 1 至 60 分钟', 'the idle time must be 1 to 60 minutes')
      lock.idle = a.minutes
      return view()
    },
    change_pin: (a) => {
      if (a.old !== lock.pin) throw pinError('old', 'PIN 不正确', 'wrong PIN')
      if (a.new.length < 6) throw pinError('new', '口令须为 6 至 1024 个字符', 'the passphrase must have 6 to 1024 characters')
      lock.pin = a.new
      return view()
    },
    touch: () => null,
  }
}

type DataNames = 'list_consents' | 'record_consent' | 'withdraw_consent' | 'export_elder_data' | 'erase_elder' | 'audit_log' | 'verify_audit'
type DataHandlers = { [K in DataNames]: (args: Commands[K]['args']) => Commands[K]['result'] }

/** What the shared double gives the personal-data commands. */
export interface DataCtx {
  role: import('../bindings').AppRole
  elders: Map<string, import('../bindings').ElderForm>
  forbid: (allowed: import('../bindings').AppRole[]) => void
  notFound: () => unknown
  today: string
}

/** Consents, export, erasure and an audit log for the demo village (browser tests only). The real ones
 * are core's (`Store::record_consent`, `export_elder`, `erase_elder`, `audit_log`, `verify_audit`). */
export function personalDataHandlers(ctx: DataCtx): DataHandlers {
  const consents = new Map<string, import('../bindings').ConsentView[]>()
  const device = 'c0ffee00'.repeat(4)
  const audit: import('../bindings').AuditLine[] = []
  const log = (action: string, elder: string | null, fields: string[]) =>
    audit.push({ seq: audit.length + 1, at: `${ctx.today}T0${audit.length % 10}:00:00+08:00`, device, role: 'committee', action, elder, fields })
  const ids = [...ctx.elders.keys()]
  log('change', ids[0] ?? null, ['id_number', 'health', 'income_sources'])
  log('view', ids[0] ?? null, ['id_number', 'health'])
  log('view', ids[1] ?? null, ['id_number'])
  const broken = new URLSearchParams(location.search).get('audit') === 'broken'
  const invalid = (field: string, message: string, en: string) => ({ kind: 'invalid', field, message, en, violations: [{ field, rule: 'required', message, en, warning: false }] })
  const need = (id: string) => {
    if (!ctx.elders.has(id)) throw ctx.notFound()
  }
  return {
    list_consents: (a) => {
      need(a.id)
      return JSON.parse(JSON.stringify(consents.get(a.id) ?? []))
    },
    record_consent: (f) => {
      ctx.forbid(['committee', 'township', 'helper'])
      need(f.elder)
      if (!f.purposes.length) throw invalid('purposes', '至少选择一项用途', 'choose at least one purpose')
      if (f.given_by === 'relative' && !f.relative_name) throw invalid('relative_name', '必填：亲属姓名', 'the relative\'s name is required')
      // The day as the tablet sees it (China time), as core checks it.
      const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
      if (f.on > today) throw invalid('on', `日期不能晚于今天（${today}）`, `the date cannot be after today (${today})`)
      const c = { id: Math.random().toString(16).slice(2, 14), given_by: f.given_by, relative_name: f.relative_name ?? null, relation: f.relation ?? null, method: f.method, on: f.on, purposes: [...f.purposes], withdrawn_on: null, withdrawn_by: null }
      consents.set(f.elder, [...(consents.get(f.elder) ?? []), c])
      log('consent', f.elder, ['consents'])
      return c
    },
    withdraw_consent: (a) => {
      const c = consents.get(a.elder)?.find((x) => x.id === a.consent)
      if (!c) throw invalid('consent', '没有这条同意书', 'no such consent')
      c.withdrawn_on = a.on
      c.withdrawn_by = a.by
      log('consent', a.elder, ['consents'])
      return { ...c }
    },
    export_elder_data: (a) => {
      ctx.forbid(['committee', 'township'])
      need(a.id)
      log('export', a.id, ['id_number', 'health', 'income_sources', 'disability'])
      return { path: `/home/村委会/下载/个人信息-${a.id}.json`, name: `个人信息-${a.id}.json` }
    },
    erase_elder: (a) => {
      ctx.forbid(['committee'])
      need(a.id)
      if (a.confirm_name.trim() !== ctx.elders.get(a.id)!.name) throw invalid('confirm_name', '输入的姓名与老人姓名不一致', 'the name typed does not match the elder\'s')
      if (!a.reason.trim()) throw invalid('reason', '必填：删除原因', 'the reason is required')
      ctx.elders.delete(a.id)
      consents.delete(a.id)
      log('erase', a.id, [])
      return null
    },
    audit_log: (q) => {
      ctx.forbid(['committee', 'township'])
      return audit.filter((l) => !q.elder || l.elder === q.elder).slice().reverse()
    },
    verify_audit: () => {
      ctx.forbid(['committee', 'township'])
      return broken ? [{ device, seq: 2, message: '条目被修改', en: 'the entry was edited', source: 'local' }] : []
    },
  }
}
