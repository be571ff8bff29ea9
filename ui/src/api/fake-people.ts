// The people area's part of the in-memory backend double: helpers with homes around the demo village,
// assignment by walking reach (the same walk as core's sichuan profile: 15 minutes at 70 m a minute,
// detour 1.3), cases and emergencies. Positions are kept in metres on the village's plane; the real
// projection and plan come from core.
import type {
  AppRole, CaseLine, CaseView, Commands, ElderForm, EmergencyContacts, HelperForm, HelperLine, MapElder, MovedLine,
  PlanView, ProposalLine, StepLine, StintLine,
} from '../bindings'

type Handlers = { [K in keyof Commands]: (args: Commands[K]['args']) => Commands[K]['result'] }
type Err = { kind: string; field: string | null; message: string; en: string; violations: { field: string; rule: string; message: string; en: string; warning: boolean }[] }

export interface PeopleCtx {
  role: AppRole
  elders: Map<string, ElderForm>
  forbid: (allowed: AppRole[]) => void
  notFound: () => unknown
  office: AppRole[]
  visitors: AppRole[]
  today: string
}

const WALK = { limit_minutes: 15, speed_m_per_min: 70, detour_factor: 1.3 }
const REACH = (WALK.limit_minutes * WALK.speed_m_per_min) / WALK.detour_factor
const ORIGIN = { lat: 31.85, lon: 106.75 }
const M_PER_DEG = 111_195
const toPoint = (x: number, y: number) => ({
  lat: +(ORIGIN.lat + y / M_PER_DEG).toFixed(6),
  lon: +(ORIGIN.lon + x / (M_PER_DEG * Math.cos((ORIGIN.lat * Math.PI) / 180))).toFixed(6),
})
const toXY = (p: { lat: number; lon: number }) => ({
  x: (p.lon - ORIGIN.lon) * M_PER_DEG * Math.cos((ORIGIN.lat * Math.PI) / 180),
  y: (p.lat - ORIGIN.lat) * M_PER_DEG,
})
const minutes = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.round((Math.hypot(a.x - b.x, a.y - b.y) * WALK.detour_factor * 10) / WALK.speed_m_per_min) / 10

interface FakeHelper { id: string; name: string; phone: string | null; x: number | null; y: number | null; availability: string; filed_on: string | null; status: string; replaced_by: string | null }

const invalid = (field: string, message: string, en: string): Err =>
  ({ kind: 'invalid', field, message, en, violations: [{ field, rule: 'required', message, en, warning: false }] })

export function peopleHandlers(ctx: PeopleCtx): Pick<Handlers,
  'list_helpers' | 'get_helper' | 'save_helper' | 'replace_helper' | 'reach_map' | 'suggest_assignment' | 'apply_assignment' |
  'assign' | 'elder_assignment' | 'list_cases' | 'get_case' | 'open_case' | 'advance_case' | 'close_case' | 'emergency_contacts' |
  'log_emergency'> {
  const { forbid, office } = ctx
  const readers: AppRole[] = ['helper', 'committee', 'township']
  const responders: AppRole[] = ['helper', 'committee']
  const helpers = new Map<string, FakeHelper>([
    ['a'.repeat(32), { id: 'a'.repeat(32), name: '李春梅', phone: '13908271101', x: -380, y: -160, availability: '每天上午', filed_on: '2026-03-01', status: 'active', replaced_by: null }],
    ['b'.repeat(32), { id: 'b'.repeat(32), name: '王德福', phone: '13908271102', x: 430, y: 80, availability: '农忙除外', filed_on: '2026-03-01', status: 'active', replaced_by: null }],
    ['c'.repeat(32), { id: 'c'.repeat(32), name: '张桂香', phone: '13908271103', x: 20, y: 520, availability: '下午', filed_on: null, status: 'active', replaced_by: null }],
  ])
  // Homes scattered around the helpers; the last elder lives on the far hill, 3 km away.
  const homes = new Map<string, { x: number; y: number }>()
  const centres = [...helpers.values()]
  ;[...ctx.elders.keys()].forEach((id, i, all) => {
    if (i === all.length - 1) return homes.set(id, { x: 900, y: 2900 })
    const c = centres[i % 3]
    const angle = Math.floor(i / 3) * 1.9 + (i % 3) * 0.7
    const r = 160 + ((i * 173) % 440)
    homes.set(id, { x: Math.round(c.x! + r * Math.cos(angle)), y: Math.round(c.y! + r * Math.sin(angle)) })
  })
  // Everyone starts with the first helper (the fake's visits are hers); the far elder with nobody.
  const current = new Map<string, string>()
  const history = new Map<string, StintLine[]>()
  ;[...ctx.elders.keys()].slice(0, -1).forEach((id) => {
    current.set(id, 'a'.repeat(32))
    history.set(id, [{ helper: 'a'.repeat(32), helper_name: '李春梅', from: '2026-03-01', to: null, reason: '首次分配' }])
  })

  const active = () => [...helpers.values()].filter((h) => h.status === 'active')
  const activeElders = () => [...ctx.elders.values()].filter((e) => (e.status ?? 'active') === 'active')
  const name = (id: string | null | undefined) => (id ? helpers.get(id)?.name ?? '' : '')
  const load = (id: string) => activeElders().filter((e) => current.get(e.id!) === id).length
  const reachOf = (elder: string) => {
    const home = homes.get(elder)
    return active()
      .filter((h) => home && h.x !== null)
      .map((h) => ({ helper: h.id, minutes: minutes(home!, { x: h.x!, y: h.y! }), measured: false }))
      .filter((m) => m.minutes <= WALK.limit_minutes)
      .sort((a, b) => a.minutes - b.minutes)
  }
  const move = (elder: string, helper: string, reason: string): MovedLine | null => {
    const from = current.get(elder) ?? null
    if (from === helper) return null
    const list = history.get(elder) ?? []
    list.forEach((s) => (s.to ??= ctx.today))
    list.push({ helper, helper_name: name(helper), from: ctx.today, to: null, reason })
    history.set(elder, list)
    current.set(elder, helper)
    return { elder, elder_name: ctx.elders.get(elder)?.name ?? '', from, to: helper }
  }
  const plan = (keep: boolean): PlanView => {
    const loads = new Map(active().map((h) => [h.id, 0]))
    const proposals: ProposalLine[] = []
    const remote: PlanView['remote'] = []
    const open: [string, ReturnType<typeof reachOf>][] = []
    for (const e of activeElders()) {
      const reach = reachOf(e.id!)
      if (!reach.length) remote.push({ elder: e.id!, name: e.name, phone: e.phone ?? null, helper: current.get(e.id!) ?? null })
      const kept = keep ? current.get(e.id!) : undefined
      if (kept && loads.has(kept)) {
        loads.set(kept, loads.get(kept)! + 1)
        proposals.push(line(e.id!, kept, reach.find((m) => m.helper === kept)?.minutes ?? null, true))
      } else if (reach.length) open.push([e.id!, reach])
    }
    open.sort((a, b) => a[1].length - b[1].length || a[0].localeCompare(b[0]))
    for (const [elder, reach] of open) {
      const best = [...reach].sort((a, b) => loads.get(a.helper)! - loads.get(b.helper)! || a.minutes - b.minutes)[0]
      loads.set(best.helper, loads.get(best.helper)! + 1)
      proposals.push(line(elder, best.helper, best.minutes, false))
    }
    proposals.sort((a, b) => a.elder.localeCompare(b.elder))
    return {
      proposals, remote, moves: proposals.filter((p) => p.moves).length,
      loads: [...loads].map(([h, n]) => ({ helper: h, name: name(h), before: load(h), after: n })),
    }
  }
  function line(elder: string, helper: string, mins: number | null, kept: boolean): ProposalLine {
    const from = current.get(elder) ?? null
    return {
      elder, elder_name: ctx.elders.get(elder)?.name ?? '', helper, helper_name: name(helper), minutes: mins, kept,
      from, from_name: from ? name(from) : null, moves: from !== helper,
    }
  }
  const helperLine = (h: FakeHelper): HelperLine => ({
    id: h.id, name: h.name, phone: h.phone, home: h.x === null ? null : toPoint(h.x, h.y!), availability: h.availability,
    filed_on: h.filed_on, filed: h.filed_on !== null, status: h.status, replaced_by: h.replaced_by,
    replaced_by_name: h.replaced_by ? name(h.replaced_by) : null, elders: load(h.id),
  })

  // Cases: one waiting too long at 发现 (reported within a day, it has waited five).
  interface FakeCase { line: CaseLine; steps: StepLine[]; called_at: string | null; closed_by: string | null; closed_note: string | null }
  const cases: FakeCase[] = []
  const LIMITS: Record<string, number> = { reported: 1, referred: 3, assisted: 7 }
  const NEXT: Record<string, string | null> = { discovered: 'reported', reported: 'referred', referred: 'assisted', assisted: null }
  const ORDER = ['discovered', 'reported', 'referred', 'assisted']
  const ZH: Record<string, string> = { discovered: '发现', reported: '报告', referred: '转介', assisted: '救助' }
  const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  const daysSince = (t: string) => Math.max(0, Math.floor((Date.now() - Date.parse(t)) / 86_400_000))
  const refresh = (c: FakeCase) => {
    const l = c.line
    const open = l.closed_at === null
    l.waiting_for = open ? NEXT[l.stage] : null
    l.days_waited = open ? daysSince(l.stage_at) : null
    l.limit_days = l.waiting_for ? LIMITS[l.waiting_for] : null
    l.flagged = open && l.limit_days !== null && l.days_waited! >= l.limit_days && Date.now() - Date.parse(l.stage_at) > l.limit_days * 86_400_000
    return c
  }
  const openCase = (elder: string, summary: string, by: string, at: string, called: string[] = [], calledAt: string | null = null): FakeCase => {
    const id = crypto.randomUUID().replaceAll('-', '')
    const c: FakeCase = {
      line: {
        id, elder, elder_name: ctx.elders.get(elder)?.name ?? null, opened_at: at, opened_by: by, summary, emergency: called.length > 0,
        called, stage: 'discovered', stage_at: at, closed_at: null, outcome: null, flagged: false, waiting_for: null, days_waited: null, limit_days: null,
      },
      steps: [{ id: 'opened', stage: 'discovered', at, by, note: summary, skip_reason: '' }],
      called_at: calledAt, closed_by: null, closed_note: null,
    }
    cases.push(c)
    return c
  }
  const seeded = [...ctx.elders.keys()]
  if (seeded.length > 2) {
    openCase(seeded[2], '屋顶漏雨，卧室潮湿', '李春梅', new Date(Date.now() - 5 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'))
    const done = openCase(seeded[1], '独自在家摔倒', '李春梅', '2026-10-02T01:00:00Z', ['family', '120'], '2026-10-02T01:05:00Z')
    done.line.closed_at = '2026-10-03T02:00:00Z'
    done.line.outcome = 'hospitalised'
    done.closed_by = '王主任'
    done.closed_note = ''
  }
  const find = (id: string) => {
    const c = cases.find((x) => x.line.id === id)
    if (!c) throw { kind: 'not_found', field: 'case', message: '没有这个个案', en: 'no such case', violations: [] }
    return c
  }
  const need = (field: string, v: string | null | undefined) => {
    if (!v || !v.trim()) throw invalid(field, '必填', 'is required')
  }
  const sorted = () =>
    cases.map(refresh).sort((a, b) =>
      Number(a.line.closed_at !== null) - Number(b.line.closed_at !== null) || Number(!a.line.flagged) - Number(!b.line.flagged) ||
      a.line.stage_at.localeCompare(b.line.stage_at))

  return {
    list_helpers: () => {
      forbid(office)
      return [...helpers.values()].sort((a, b) => Number(a.status !== 'active') - Number(b.status !== 'active') || a.name.localeCompare(b.name, 'zh')).map(helperLine)
    },
    get_helper: (a) => {
      forbid(office)
      const h = helpers.get(a.id)
      if (!h) throw invalid('id', '没有这位互助员', 'no such helper')
      return { id: h.id, name: h.name, phone: h.phone, home: h.x === null ? null : toPoint(h.x, h.y!), availability: h.availability, filed_on: h.filed_on } satisfies HelperForm
    },
    save_helper: (f) => {
      forbid(office)
      const v: Err['violations'] = []
      if (!f.name.trim()) v.push({ field: 'name', rule: 'required', message: '必填', en: 'is required', warning: false })
      if (f.phone && !/^1[3-9]\d{9}$/.test(f.phone.replace(/\s/g, ''))) v.push({ field: 'phone', rule: 'phone', message: '电话号码格式不正确', en: 'not a phone number', warning: false })
      if (f.home && Math.abs(f.home.lat) > 90) v.push({ field: 'home.lat', rule: 'out_of_range', message: '应在 -90 至 90 之间', en: 'must be between -90 and 90', warning: false })
      if (f.filed_on && !/^\d{4}-\d{2}-\d{2}$/.test(f.filed_on)) v.push({ field: 'filed_on', rule: 'format', message: '日期格式应为 年-月-日', en: 'a date is written YYYY-MM-DD', warning: false })
      if (v.length) throw { kind: 'invalid', field: v[0].field, message: v[0].message, en: v[0].en, violations: v }
      const id = f.id ?? crypto.randomUUID().replaceAll('-', '')
      const xy = f.home ? toXY(f.home) : null
      const before = helpers.get(id)
      helpers.set(id, {
        id, name: f.name.trim(), phone: f.phone?.replace(/\s/g, '') || null, x: xy ? Math.round(xy.x) : null, y: xy ? Math.round(xy.y) : null,
        availability: f.availability ?? '', filed_on: f.filed_on || null, status: before?.status ?? 'active', replaced_by: before?.replaced_by ?? null,
      })
      return { id }
    },
    replace_helper: (a) => {
      forbid(office)
      need('reason', a.reason)
      if (a.old === a.new) throw invalid('new', '新旧互助员相同', 'the replacement is the same helper')
      const old = helpers.get(a.old)
      if (!old) throw invalid('old', '没有这位互助员', 'no such helper')
      if (helpers.get(a.new)?.status !== 'active') throw invalid('new', '接替的互助员应在岗', 'the new helper must be active')
      const moved = [...current].filter(([, h]) => h === a.old).map(([e]) => move(e, a.new, a.reason)!).filter(Boolean)
      old.status = 'replaced'
      old.replaced_by = a.new
      return moved
    },
    reach_map: () => {
      forbid(office)
      return {
        walk: { ...WALK, reach_m: REACH }, origin: ORIGIN,
        helpers: active().map((h) => ({ id: h.id, name: h.name, x: h.x, y: h.y, reach_m: REACH, elders: load(h.id) })),
        elders: activeElders().map((e): MapElder => {
          const home = homes.get(e.id!) ?? null
          const reach = reachOf(e.id!)
          const h = current.get(e.id!)
          const hh = h ? helpers.get(h) : undefined
          return {
            id: e.id!, name: e.name, address: e.address, phone: e.phone ?? null, x: home?.x ?? null, y: home?.y ?? null, helper: h ?? null,
            minutes: home && hh && hh.x !== null ? minutes(home, { x: hh.x, y: hh.y! }) : null, remote: reach.length === 0, reachable: reach,
          }
        }),
      }
    },
    suggest_assignment: (a) => {
      forbid(office)
      return plan(a.keep_existing)
    },
    apply_assignment: (a) => {
      forbid(office)
      const p = plan(a.keep_existing)
      const picks = p.proposals.map((x) => ({ elder: x.elder, helper: x.helper }))
      if (a.reviewed && JSON.stringify(a.reviewed) !== JSON.stringify(picks)) {
        throw invalid('reviewed', '分配方案在审阅后已有变化，请重新生成后再确认', 'the plan changed since it was reviewed: suggest it again')
      }
      return p.proposals.filter((x) => !x.kept).map((x) => move(x.elder, x.helper, '按步行范围分配 / assigned by walking reach')).filter((m): m is MovedLine => m !== null)
    },
    assign: (a) => {
      forbid(office)
      need('reason', a.reason)
      if (!ctx.elders.has(a.elder)) throw ctx.notFound()
      if (helpers.get(a.helper)?.status !== 'active') throw invalid('helper', '互助员已被更换，不能再分配老人', 'the helper was replaced')
      return move(a.elder, a.helper, a.reason)
    },
    elder_assignment: (a) => {
      forbid(office)
      const h = current.get(a.id) ?? null
      return { helper: h, helper_name: h ? name(h) : null, history: [...(history.get(a.id) ?? [])].reverse() }
    },
    list_cases: (q) => {
      forbid(readers)
      return sorted()
        .filter((c) => (!q.open || c.line.closed_at === null) && (!q.flagged || c.line.flagged) && (!q.elder || c.line.elder === q.elder))
        .map((c) => ({ ...c.line, called: [...c.line.called] }))
    },
    get_case: (a): CaseView => {
      forbid(readers)
      const c = refresh(find(a.id))
      return JSON.parse(JSON.stringify({ line: c.line, steps: c.steps, called_at: c.called_at, visit: null, closed_by: c.closed_by, closed_note: c.closed_note }))
    },
    open_case: (a) => {
      forbid(office)
      need('summary', a.summary)
      need('by', a.by)
      if (!ctx.elders.has(a.elder)) throw ctx.notFound()
      const c = openCase(a.elder, a.summary.trim(), a.by.trim(), a.at ?? now())
      return { case: c.line.id, elder: a.elder, closed: false }
    },
    advance_case: (a) => {
      forbid(office)
      const c = refresh(find(a.id))
      if (c.line.closed_at) throw invalid('case', '个案已结案', 'the case is closed')
      const stage = a.stage || NEXT[c.line.stage]
      if (!stage) throw invalid('stage', '个案已到「救助」环节，请结案', 'the case is at its last stage (assisted): close it')
      if (ORDER.indexOf(stage) <= ORDER.indexOf(c.line.stage)) throw invalid('stage', '只能推进到下一环节', 'a stage can only move the case forward')
      if (ORDER.indexOf(stage) > ORDER.indexOf(c.line.stage) + 1 && !a.skip_reason?.trim()) {
        throw invalid('skip_reason', `跳过了「${ZH[NEXT[c.line.stage]!]}」环节；跳过须说明理由`, 'a stage is skipped: give the reason')
      }
      need('by', a.by)
      const at = a.at ?? now()
      c.steps.push({ id: crypto.randomUUID().replaceAll('-', ''), stage, at, by: a.by.trim(), note: a.note ?? '', skip_reason: a.skip_reason ?? '' })
      c.line.stage = stage
      c.line.stage_at = at
      return { case: c.line.id, elder: c.line.elder, closed: false }
    },
    close_case: (a) => {
      forbid(office)
      const c = find(a.id)
      if (c.line.closed_at) throw invalid('case', '个案已结案', 'the case is closed')
      need('outcome', a.outcome)
      need('by', a.by)
      c.line.closed_at = a.at ?? now()
      c.line.outcome = a.outcome
      c.closed_by = a.by.trim()
      c.closed_note = a.note ?? ''
      return { case: c.line.id, elder: c.line.elder, closed: true }
    },
    emergency_contacts: (a): EmergencyContacts => {
      forbid(responders)
      const e = ctx.elders.get(a.id)
      if (!e) throw ctx.notFound()
      const h = current.get(a.id)
      return {
        card: {
          id: e.id!, name: e.name, sex: e.sex, address: e.address, phone: e.phone ?? null,
          supporters: e.supporters.map((s) => ({ name: s.name, relation: s.relation, phone: s.phone ?? null, whereabouts: s.whereabouts, main: s.main })),
        },
        doctor: { name: '赵医生', title: '村医', phone: '13908270120' },
        helper_name: h ? name(h) : null,
      }
    },
    log_emergency: (a) => {
      forbid(responders)
      if (!ctx.elders.has(a.elder)) throw ctx.notFound()
      if (!a.called.length) throw invalid('called', '必填', 'is required')
      need('summary', a.summary)
      const by = a.by?.trim() || name(current.get(a.elder)) || ''
      need('by', by)
      const calledAt = a.called_at ?? now()
      const c = openCase(a.elder, a.summary.trim(), by, a.at ?? calledAt, [...a.called], calledAt)
      if (a.outcome) {
        c.line.closed_at = now()
        c.line.outcome = a.outcome
        c.closed_by = by
        c.closed_note = a.outcome_note ?? ''
      }
      return { case: c.line.id, elder: a.elder, closed: !!a.outcome }
    },
  }
}
