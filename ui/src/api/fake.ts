// An in-memory double of the Rust backend for the browser tests (built with `vite build --mode fake`).
// Typed by the same generated bindings as the real one: every command of `Commands` must be here with
// its argument and result types. It keeps a small demo village and checks the few rules the tests
// exercise (required fields, the GB 11643 check digit); the real rules live in core.
import type {
  AppRole, AppStatus, CardView, Commands, DueLine, ElderForm, ElderLine, Events, FieldError, SyncView, VisitForm, VisitLine,
} from '../bindings'
import type { Backend } from '.'
import { peopleHandlers } from './fake-people'
import { officeHandlers } from './fake-office'
import { paperworkHandlers } from './fake-paperwork'
import { devicesHandlers } from './fake-devices'
import { lockState, personalDataHandlers, privacyHandlers } from './fake-privacy'

type Handlers = { [K in keyof Commands]: (args: Commands[K]['args']) => Commands[K]['result'] }

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'

function idError(id: string): FieldError | null {
  const fail = (message: string, en: string): FieldError => ({ field: 'id_number', rule: 'id_number', message, en, warning: false })
  if (id.length !== 18) return fail(`身份证号码应为 18 位，实为 ${id.length} 位`, `an ID number has 18 characters, found ${id.length}`)
  if (!/^\d{17}[\dX]$/.test(id)) return fail('身份证号码只能是数字，第 18 位可为 X', 'digits only, the 18th may be X')
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0)
  const expected = CHECK[sum % 11]
  if (id[17] !== expected) {
    return fail(`身份证号码校验位错误：应为 ${expected}，实为 ${id[17]}`, `wrong check digit: expected ${expected}, found ${id[17]}`)
  }
  return null
}

export function withCheckDigit(first17: string): string {
  const sum = WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0)
  return first17 + CHECK[sum % 11]
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙']
const GIVEN = ['秀英', '桂兰', '德明', '玉珍', '国华', '淑芬', '建国', '凤英', '志强', '翠花', '长青', '桂芳']
const CATS = ['advanced_age', 'living_alone', 'empty_nest', 'disabled', 'hardship']

function demo(): ElderForm[] {
  return Array.from({ length: 12 }, (_, i) => {
    const year = 1934 + ((i * 7) % 28)
    const birth = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(3 + i).padStart(2, '0')}`
    const sex = /[英兰珍芬花芳]/.test(GIVEN[i]) ? 'female' : 'male'
    const seq = String(10 + i * 2 + (sex === 'male' ? 1 : 0)).padStart(3, '0')
    return {
      id: (i + 1).toString(16).padStart(32, '0'),
      unit: '511902106202',
      name: SURNAMES[i] + GIVEN[i],
      sex,
      birth_date: birth,
      ethnicity: '汉族',
      id_number: withCheckDigit(`511902${birth.replaceAll('-', '')}${seq}`),
      hukou: 'rural',
      household_place: '四川省巴中市巴州区梁永镇斑竹村',
      address: `斑竹村${1 + (i % 5)}组${10 + i}号`,
      phone: `1390827${String(1000 + i * 37).slice(-4)}`,
      health: ['healthy', 'ill', 'disabled'][i % 3],
      disability: i % 3 === 2 ? { kind: 'physical', grade: 3 } : null,
      illness: i % 3 === 1 ? '高血压' : '',
      education: ['illiterate', 'primary', 'junior'][i % 3],
      spouse: i % 2 ? 'both_living' : 'one_living',
      children: [{ id: `c${i}`, birth_year: year + 25, name: SURNAMES[i] + '强', sex: 'male' }],
      migration: { away_since: '2015-03', last_home_visit: '2026-02', reunions_per_year: 1, reunion_days: 7 },
      income_sources: ['migrant_work', 'farming'],
      care: i % 4 ? 'cared_for' : 'not_cared_for',
      needs: '希望有人定期上门看望',
      difficulties: i % 2 ? '' : '看病不便',
      supporters: [{ id: `s${i}`, name: SURNAMES[i] + '强', relation: '儿子', sex: 'male', phone: `1380000${String(1000 + i).slice(-4)}`, address: '', main: true, whereabouts: '广东省东莞市', away: true }],
      categories: [CATS[i % CATS.length]],
      status: 'active',
      sign_off: { filing_unit: '斑竹村村民委员会', filler: '李会计', reviewer: '王主任', unit_head: '王主任', date: '2026-10-08' },
    }
  })
}

function age(birth: string, today = new Date('2026-11-23')): number {
  const b = new Date(birth)
  let a = today.getFullYear() - b.getFullYear()
  if (today.getMonth() < b.getMonth() || (today.getMonth() === b.getMonth() && today.getDate() < b.getDate())) a--
  return a
}

function line(e: ElderForm): ElderLine {
  return {
    id: e.id!, name: e.name, sex: e.sex, age: age(e.birth_date), address: e.address, phone: e.phone ?? null,
    health: e.health ?? null, categories: e.categories, status: e.status ?? 'active', conflicts: 0, due: null,
  }
}

function validate(f: ElderForm): FieldError[] {
  const out: FieldError[] = []
  const req = (field: string) => out.push({ field, rule: 'required', message: '必填', en: 'is required', warning: false })
  if (!f.name.trim()) req('name')
  if (!f.sex) req('sex')
  if (!f.birth_date) req('birth_date')
  if (f.id_number) {
    const e = idError(f.id_number.trim().toUpperCase())
    if (e) out.push(e)
  }
  if (f.phone && !/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(f.phone)) {
    out.push({ field: 'phone', rule: 'phone', message: '电话号码格式不正确', en: 'not a phone number', warning: false })
  }
  return out
}

const TODAY = '2026-11-23'
const DAY = 86_400_000
const addDays = (date: string, n: number) => new Date(Date.parse(date) + n * DAY).toISOString().slice(0, 10)

/** The demo village's visits: elder i was last visited 4·i days ago (the first never), high risk every fifth. */
function demoVisits(ids: string[]): Map<string, VisitLine[]> {
  const out = new Map<string, VisitLine[]>()
  ids.forEach((id, i) => {
    const list: VisitLine[] = []
    if (i > 0) {
      const fine = { concern: false, note: '' }
      list.push({
        id: `v${i}`.padStart(32, '0'), at: `${addDays(TODAY, -4 * i)}T02:00:00+00:00`, helper: 'a'.repeat(32), mode: i % 3 ? 'door' : 'phone',
        checks: { food: fine, clothing: fine, housing: fine, medical: i % 4 === 1 ? { concern: true, note: '血压偏高，已提醒按时服药' } : fine },
        services: ['patrol'], duration_minutes: 30, follow_up: '', amends: null,
      })
    }
    out.set(id, list)
  })
  return out
}

function visitErrors(f: VisitForm): FieldError[] {
  const out: FieldError[] = []
  for (const [k, c] of Object.entries(f.checks)) {
    if (c.concern && !c.note.trim()) out.push({ field: `checks.${k}.note`, rule: 'required', message: '必填', en: 'is required', warning: false })
  }
  if (f.duration_minutes < 1 || f.duration_minutes > 600) {
    out.push({ field: 'duration_minutes', rule: 'out_of_range', message: `应在 1 至 600 之间（现为 ${f.duration_minutes}）`, en: `must be between 1 and 600 (is ${f.duration_minutes})`, warning: false })
  }
  return out
}

// Drafts outlive a reload, as the real ones outlive the app being killed.
const DRAFTS = 'shouwang-fake-drafts'
const drafts = {
  all: (): Record<string, VisitForm> => JSON.parse(localStorage.getItem(DRAFTS) ?? '{}'),
  put(f: VisitForm) { localStorage.setItem(DRAFTS, JSON.stringify({ ...this.all(), [f.elder]: f })) },
  drop(id: string) { const all = this.all(); const had = id in all; delete all[id]; localStorage.setItem(DRAFTS, JSON.stringify(all)); return had },
}

export function fakeBackend(): Backend {
  const params = new URLSearchParams(location.search)
  const role = (params.get('role') ?? 'committee') as AppRole
  const fresh = params.get('fresh') === '1'
  const local = fresh || params.get('local') === '1'
  const elders = new Map<string, ElderForm>(fresh ? [] : demo().map((e) => [e.id!, e]))
  let registry = fresh ? null : { unit: '511902106202', name: '斑竹村', policy: 'sichuan' }
  const sync: SyncView = {
    enrolled: !local, relay: local ? null : 'http://127.0.0.1:8787',
    pending: 3, last_success: '2026-11-23T08:30:00+08:00', last_attempt: '2026-11-23T08:30:00+08:00',
    last_error: null, syncing: false, elder: role === 'family' ? elders.keys().next().value ?? null : null,
  }
  const listeners: { [E in keyof Events]?: ((p: Events[E]) => void)[] } = {}
  const emit = <E extends keyof Events>(e: E, p: Events[E]) => (listeners[e] as ((p: Events[E]) => void)[] | undefined)?.forEach((h) => h(p))
  const lock = lockState(params)
  // A reload keeps the double's lock open once unlocked in this tab (the real store stays open too).
  if (sessionStorage.getItem('shouwang-fake-unlocked') === '1') lock.locked = false
  const status = (): AppStatus => ({
    db_path: ':memory:', registry: lock.locked ? null : registry, role, sync: { ...sync }, locked: lock.locked, encrypted: lock.encrypted,
  })
  const forbid = (allowed: AppRole[]) => {
    if (!allowed.includes(role)) throw { kind: 'forbidden', field: null, message: '本设备的角色不能这样做', en: 'forbidden', violations: [] }
  }
  const office: AppRole[] = ['committee', 'township']
  const visitors: AppRole[] = ['helper', 'committee']
  const visits = demoVisits([...elders.keys()])
  const notFound = () => ({ kind: 'not_found', field: null, message: '没有这位老人', en: 'no such elder', violations: [] })
  const dueLines = (): DueLine[] => {
    const order = (d: DueLine) => (d.last_visit === null ? -1e9 : -(d.days_overdue ?? (d.status === 'due' ? -0.5 : -Date.parse(d.due_on!) / DAY)))
    return [...elders.values()]
      .filter((e) => (e.status ?? 'active') === 'active')
      .map((e, i) => {
        const high = i % 5 === 3
        const last = visits.get(e.id!)?.[0]?.at.slice(0, 10) ?? null
        const due = last ? addDays(last, high ? 7 : 30) : null
        const over = due ? Math.round((Date.parse(TODAY) - Date.parse(due)) / DAY) : null
        return {
          id: e.id!, name: e.name, helper: 'a'.repeat(32), high_risk: high, last_visit: last, due_on: due,
          status: due === null || over! > 0 ? 'overdue' : over === 0 ? 'due' : 'upcoming', days_overdue: over !== null && over > 0 ? over : null,
        }
      })
      .sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name, 'zh'))
  }

  // Each area's double lives in its own file and sees the shared demo village through `ctx`.
  const ctx = { role, elders, visits, sync, emit, forbid, notFound, office, visitors, today: TODAY }
  void ctx
  const handlers: Handlers = {
    // -- people (fake-people.ts): ...peopleHandlers(ctx), --
    ...peopleHandlers(ctx),
    // -- office (fake-office.ts): ...officeHandlers(ctx), --
    ...officeHandlers(ctx),
    // -- paperwork (fake-paperwork.ts): ...paperworkHandlers(ctx), --
    ...paperworkHandlers(ctx),
    // -- devices (fake-devices.ts): ...devicesHandlers(ctx), --
    ...devicesHandlers(ctx),
    // -- privacy (fake-privacy.ts): the app lock --
    ...privacyHandlers(lock),
    ...personalDataHandlers(ctx),
    unlock: (a) => {
      privacyHandlers(lock).unlock(a)
      return status()
    },
    app_status: () => status(),
    create_registry: (a) => {
      if (a.pin.length < 6) throw { kind: 'invalid', field: 'pin', message: '口令须为 6 至 1024 个字符', en: 'the passphrase must have 6 to 1024 characters', violations: [] }
      registry = { unit: a.unit, name: a.name, policy: a.policy }
      lock.encrypted = true
      return status()
    },
    enrol: (a) => {
      if (!registry && (a.pin ?? '').length < 6) throw { kind: 'invalid', field: 'pin', message: '口令须为 6 至 1024 个字符', en: 'the passphrase must have 6 to 1024 characters', violations: [] }
      lock.encrypted = true
      registry ??= { unit: a.unit ?? '511902106202', name: a.unit ?? '', policy: a.policy ?? 'sichuan' }
      sync.enrolled = true
      sync.relay = a.relay
      return status()
    },
    sync_now: () => {
      sync.syncing = true
      emit('sync-status', { ...sync })
      emit('sync-progress', { phase: 'push', changes_done: sync.pending, changes_total: sync.pending, bytes_done: 480 })
      sync.pending = 0
      sync.syncing = false
      sync.last_success = new Date().toISOString()
      emit('sync-status', { ...sync })
      return { ...sync }
    },
    sync_status: () => ({ ...sync }),
    list_elders: (q) => {
      forbid(office)
      const text = q.text?.trim() ?? ''
      let rows = [...elders.values()].filter((e) => (q.status === 'all' ? true : (e.status ?? 'active') === (q.status || 'active')))
      if (text) rows = rows.filter((e) => e.name.includes(text) || (e.id_number ?? '').includes(text))
      if (q.category) rows = rows.filter((e) => e.categories.includes(q.category!) || (q.category === 'advanced_age' && age(e.birth_date) >= 80))
      if (q.age) {
        const [lo, hi] = q.age === '80+' ? [80, 200] : q.age.split('-').map(Number)
        rows = rows.filter((e) => age(e.birth_date) >= lo && age(e.birth_date) <= hi)
      }
      const lines = rows.map(line)
      const sort = q.sort ?? 'name'
      lines.sort((a, b) => (sort === 'age' ? b.age - a.age : sort === 'address' ? a.address.localeCompare(b.address, 'zh') : a.name.localeCompare(b.name, 'zh')))
      return lines
    },
    my_elders: () => {
      forbid(['helper'])
      return [...elders.values()].map(line).sort((a, b) => a.name.localeCompare(b.name, 'zh'))
    },
    get_elder: (a) => {
      forbid(office)
      const e = elders.get(a.id)
      if (!e) throw { kind: 'not_found', field: null, message: '没有这位老人', en: 'no such elder', violations: [] }
      return JSON.parse(JSON.stringify(e)) as ElderForm
    },
    validate_elder: (f) => validate(f),
    save_elder: (f) => {
      forbid(office)
      const v = validate(f)
      if (v.length) throw { kind: 'invalid', field: v[0].field, message: v[0].message, en: v[0].en, violations: v }
      const id = f.id ?? (elders.size + 1).toString(16).padStart(32, '0')
      elders.set(id, { ...(JSON.parse(JSON.stringify(f)) as ElderForm), id, status: f.status ?? 'active' })
      sync.pending += 5
      emit('sync-status', { ...sync })
      return { id, warnings: [] }
    },
    review: () => {
      forbid(office)
      const first = [...elders.values()][0]
      return {
        conflicts: first ? [{ elder: first.id!, name: first.name, field: 'phone', values: ['"13908271000"', '"13908271999"'], held_from: null }] : [],
        quarantine: [],
      }
    },
    family_card: (): CardView => {
      forbid(['family'])
      const e = elders.get(sync.elder ?? '')
      if (!e) throw { kind: 'not_found', field: null, message: '尚未收到老人信息', en: 'not yet received', violations: [] }
      return {
        id: e.id!, name: e.name, sex: e.sex, address: e.address, phone: e.phone ?? null,
        supporters: e.supporters.map((s) => ({ name: s.name, relation: s.relation, phone: s.phone ?? null, whereabouts: s.whereabouts, main: s.main })),
      }
    },
    schedule: () => {
      forbid(visitors)
      return dueLines()
    },
    today_round: () => {
      forbid(visitors)
      // The demo has no home positions: the round keeps the schedule's order.
      return dueLines().filter((d) => d.status !== 'upcoming')
    },
    log_visit: (f) => {
      forbid(visitors)
      if (!elders.has(f.elder)) throw notFound()
      const v = visitErrors(f)
      if (v.length) throw { kind: 'invalid', field: v[0].field, message: v[0].message, en: v[0].en, violations: v }
      const id = crypto.randomUUID().replaceAll('-', '')
      if (!visits.has(f.elder)) visits.set(f.elder, [])
      visits.get(f.elder)!.unshift({ ...(JSON.parse(JSON.stringify(f)) as VisitForm), id, at: `${TODAY}T06:00:00+00:00`, helper: 'a'.repeat(32), amends: null })
      drafts.drop(f.elder)
      sync.pending += 1
      emit('sync-status', { ...sync })
      return { id, warnings: [] }
    },
    save_visit_draft: (f) => {
      forbid(visitors)
      if (!elders.has(f.elder)) throw notFound()
      drafts.put(f)
      return null
    },
    visit_draft: (a) => {
      forbid(visitors)
      return drafts.all()[a.id] ?? null
    },
    discard_visit_draft: (a) => {
      forbid(visitors)
      return drafts.drop(a.id)
    },
    visit_history: (a) => {
      forbid([...visitors, 'township'])
      if (!elders.has(a.id)) throw notFound()
      return JSON.parse(JSON.stringify(visits.get(a.id) ?? [])) as VisitLine[]
    },
  }

  return {
    async call(cmd, args) {
      await new Promise((r) => setTimeout(r, 5))
      return (handlers[cmd] as (a: typeof args) => never)(args)
    },
    async listen(event, handler) {
      const list = (listeners[event] ??= []) as ((p: Events[typeof event]) => void)[]
      list.push(handler)
      return () => list.splice(list.indexOf(handler), 1)
    },
  }
}
