// The in-memory double of the office's risk and agreement commands (src-tauri/src/office.rs), for the
// browser tests only. It keeps the demo village's assessments and agreements and imitates core's rules
// just far enough for the tests' stories: a level from a few factors with its reasons, the agreement's
// required fields and ID check digits, 15 days' notice, the printed template's headings. The real rules,
// levels and reminders live in core.
import type {
  AgreementForm, AgreementLine, AgreementView, AppRole, Commands, ElderForm, Events, FieldError, ReminderView,
  RiskEntryView, RiskLine, RiskPreview, RiskReasonView, SyncView,
} from '../bindings'

type OfficeCommands =
  | 'assess_risk' | 'save_risk' | 'risk_list' | 'risk_history' | 'follow_up_risk'
  | 'list_agreements' | 'get_agreement' | 'check_agreement' | 'save_agreement' | 'record_payment'
  | 'record_duty' | 'end_agreement' | 'renew_agreement' | 'print_agreement'
type OfficeHandlers = { [K in OfficeCommands]: (args: Commands[K]['args']) => Commands[K]['result'] }

/** What the office's double needs from the shared demo village (see `ctx` in fake.ts). */
export interface OfficeCtx {
  elders: Map<string, ElderForm>
  sync: SyncView
  emit: <E extends keyof Events>(e: E, p: Events[E]) => void
  forbid: (allowed: AppRole[]) => void
  notFound: () => unknown
  office: AppRole[]
  today: string
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK = '10X98765432'
const idDigit = (first17: string) => CHECK[WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0) % 11]
const withDigit = (first17: string) => first17 + idDigit(first17)

const LEVEL_ZH: Record<string, string> = { low: '低风险', medium: '中风险', high: '高风险' }
const DAY = 86_400_000
const addDays = (d: string, n: number) => new Date(Date.parse(d) + n * DAY).toISOString().slice(0, 10)
const addMonths = (d: string, n: number) => {
  const [y, m, day] = d.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1 + n, day))
  return t.toISOString().slice(0, 10)
}
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY)
const hex = () => crypto.randomUUID().replaceAll('-', '')
const fen = (yuan: string) => Math.round(Number(yuan) * 100)
const yuan = (f: number) => (f / 100).toFixed(2)
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T

function invalid(v: FieldError[]): never {
  throw { kind: 'invalid', field: v[0].field, message: v[0].message, en: v[0].en, violations: v }
}
const err = (field: string, message: string, en: string, rule = 'required'): FieldError => ({ field, rule, message, en, warning: false })
const required = (field: string) => err(field, '必填', 'is required')

/** A few of the default rules (schema/risk/default.toml), enough to give the demo elders their levels. */
function assess(e: ElderForm, today: string): RiskPreview {
  const reasons: RiskReasonView[] = []
  const add = (rule: string, zh: string, en: string, points: number) => reasons.push({ rule, zh, en, points, level_at_least: null })
  if (e.income_sources.length === 0) add('income_none', '未登记任何家庭经济来源', 'no income source recorded', 2)
  if (e.categories.includes('hardship')) add('hardship', '经济困难或特困', 'economic hardship or destitute', 2)
  if (e.supporters.length && e.supporters.every((s) => s.away)) add('all_supporters_away', '赡养人全部外出，身边无人', 'every supporter is away', 1)
  if (e.health === 'ill') add('ill', '患有重特大疾病', 'a serious illness', 2)
  if (e.health === 'disabled') add('disabled', '残疾', 'disabled', 2)
  if (e.categories.includes('disabled')) add('incapacitated', '失能或一二级重度残疾', 'incapacitated or severely disabled (grade 1–2)', 2)
  if (e.categories.includes('living_alone')) add('living_alone', '独居', 'lives alone', 1)
  if (e.care === 'not_cared_for') add('not_cared_for', '无人照料', 'nobody cares for them', 2)
  const score = reasons.reduce((s, r) => s + r.points, 0)
  const level = score >= 6 ? 'high' : score >= 3 ? 'medium' : 'low'
  return { elder: e.id!, level, level_zh: LEVEL_ZH[level], score, reasons, rules: 'default', date: today, visits_considered: true }
}

const SERVICES: Record<string, string[]> = {
  self_care: ['cleaning', 'bedding', 'medicine_and_doctor', 'companionship', 'other_reasonable'],
  assisted: ['hygiene', 'cleaning', 'bedding', 'shopping_cooking', 'buy_medicine', 'health_watch', 'companionship', 'other_reasonable'],
}
const SERVICE_ZH: Record<string, string> = {
  hygiene: '督促和帮助老人保持个人整洁', cleaning: '打扫室内外卫生', bedding: '每月洗涤被罩、床单、枕套一次',
  shopping_cooking: '代为买菜、做饭、烧水等', buy_medicine: '代为配药、买药', medicine_and_doctor: '观察老人身体状况，代为买药，必要时送医治疗',
  health_watch: '观察老人身体状况，帮助老人及时就医', companionship: '陪老人聊天，提供心理慰藉', other_reasonable: '按照老人需求，提供其他合理服务',
}

function idProblem(field: string, id: string): FieldError | null {
  if (!id.trim()) return required(field)
  if (!/^\d{17}[\dX]$/.test(id.trim())) return err(field, '身份证号码应为 18 位，只能是数字，第 18 位可为 X', 'an ID number has 18 characters: digits, the 18th may be X', 'id_number')
  const want = idDigit(id.slice(0, 17))
  if (id[17] !== want) return err(field, `身份证号码校验位错误：应为 ${want}，实为 ${id[17]}`, `wrong check digit: expected ${want}, found ${id[17]}`, 'id_number')
  return null
}

function check(f: AgreementForm): FieldError[] {
  const out: FieldError[] = []
  const text: [string, string][] = [
    ['delegator.name', f.delegator.name], ['delegator.relation', f.delegator.relation], ['delegator.address', f.delegator.address],
    ['trustee.name', f.trustee.name], ['trustee.address', f.trustee.address], ['elder.name', f.elder.name], ['elder.address', f.elder.address],
    ['committee.village', f.committee.village], ['committee.staff', f.committee.staff], ['place', f.place], ['fee.method', f.fee.method],
  ]
  if (!['self_care', 'assisted'].includes(f.kind)) out.push(err('kind', `“${f.kind}”不是可选的值`, 'not one of the choices', 'choice'))
  if (!f.elder.elder) out.push(err('elder.elder', '请选择台账中的被助养老人', 'choose the elder from the registry'))
  for (const [k, v] of text) if (!v.trim()) out.push(required(k))
  for (const k of ['delegator', 'trustee'] as const) {
    const p = idProblem(`${k}.id_number`, f[k].id_number)
    if (p) out.push(p)
    if (!f[k].phone.trim()) out.push(required(`${k}.phone`))
    else if (!/^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/.test(f[k].phone.trim())) out.push(err(`${k}.phone`, '电话号码格式不正确', 'not a phone number', 'phone'))
  }
  const date = /^\d{4}-\d{2}-\d{2}$/
  for (const k of ['start', 'end'] as const) {
    if (!f[k].trim()) out.push(required(k))
    else if (!date.test(f[k])) out.push(err(k, `日期应写作 年-月-日，如 2026-12-01；收到“${f[k]}”`, 'a date is written YYYY-MM-DD', 'date'))
  }
  if (f.years < 1 || f.years > 10) out.push(err('years', `应在 1 至 10 之间（现为 ${f.years}）`, `must be between 1 and 10 (is ${f.years})`, 'out_of_range'))
  else if (date.test(f.start) && date.test(f.end)) {
    const expected = addDays(addMonths(f.start, 12 * f.years), -1)
    if (f.end <= f.start) out.push(err('end', '终止日期应晚于起始日期', 'the end date must be after the start date', 'end_not_after_start'))
    else if (f.end !== expected) out.push(err('end', `服务期限为 ${f.years} 年，终止日期应为 ${expected}`, `a period of ${f.years} year(s) ends on ${expected}`, 'years_mismatch'))
  }
  const h = f.hours
  if (h.mode === 'per_day' ? h.hours < 1 || h.hours > 24 : !(h.from < h.to && h.to <= 24)) {
    out.push(err('hours', '每日服务时间应在 0–24 时之内，且结束晚于开始', 'daily hours must lie within 0–24 and end after they start', 'hours_outside_day'))
  }
  if (!f.fee.amount.trim()) out.push(required('fee.amount'))
  else if (!/^\d+(\.\d{1,2})?$/.test(f.fee.amount.trim())) out.push(err('fee.amount', '金额应为元，最多两位小数，如 300 或 300.50', 'an amount is in yuan with at most two decimals', 'amount'))
  f.services.forEach((s, i) => {
    if (!(SERVICES[f.kind] ?? []).includes(s)) out.push(err(`services[${i}]`, '该服务项目不在本协议模板的服务清单中', "this service is not in this template's list", 'service_not_in_template'))
  })
  return out
}

interface Stored { view: AgreementView; payments: { on: string; fen: number }[] }

const DUTY_ZH: Record<string, [string, string]> = {
  delegator_calls: ['甲方每周至少一次电话向乙方了解老人状况', 'the family phones the trustee at least weekly'],
  trustee_reports: ['乙方每月至少一次电话告知甲方老人状况', 'the trustee reports to the family at least monthly'],
  committee_checks: ['村委会每周一次电话或走访，征求老人意见', 'the committee checks by phone or visit weekly'],
}

/** Core's reminders, as far as the demo needs them: duties, the first unpaid fee, a month late, renewal. */
function reminders(s: Stored, today: string): ReminderView[] {
  const f = s.view.form
  const out: ReminderView[] = []
  const last = s.view.last_day
  if (today < f.start || today > last) return out
  const mk = (kind: string, duty: string | null, due: string, zh: string, en: string): ReminderView => {
    const over = Math.max(0, days(due, today))
    const when = over > 0 ? `已逾期 ${over} 天（应于 ${due}）` : `应于 ${due}`
    const whenEn = over > 0 ? `${over} days overdue (due ${due})` : `due ${due}`
    return { kind, duty, due, days_overdue: over, message: `${zh}：${when}`, en: `${en}: ${whenEn}` }
  }
  for (const duty of Object.keys(DUTY_ZH)) {
    const done = s.view.done.filter((d) => d.duty === duty && d.on <= today).map((d) => d.on).sort().pop() ?? f.start
    const due = duty === 'trustee_reports' ? addMonths(done, 1) : addDays(done, 7)
    if (due <= last) out.push(mk('duty', duty, due, ...DUTY_ZH[duty]))
  }
  const step = { month: 1, quarter: 3, half_year: 6, year: 12, once: 0 }[f.fee.every] ?? 1
  const fee = fen(f.fee.amount)
  let paid = s.payments.filter((p) => p.on <= today).reduce((a, p) => a + p.fen, 0)
  for (let k = 0; fee > 0; k++) {
    const due = addMonths(f.start, step * k)
    if (due > today || due > f.end || (step === 0 && k > 0)) break
    if (paid >= fee) { paid -= fee; continue }
    out.push(mk('payment', null, due, `甲方交纳服务费 ¥${yuan(fee - paid)}`, `the family pays the fee ¥${yuan(fee - paid)}`))
    const late = addMonths(due, 1)
    if (today >= late) {
      const r = mk('trustee_may_end', null, late, '', '')
      r.message = `甲方自 ${due} 起逾期一个月未交纳服务费，乙方有权提出解除协议；解除后甲方应在 10 日内在村委会监督见证下付清应得费用`
      r.en = `a payment due ${due} is a month late: the trustee may end the agreement; the family must then settle within 10 days`
      out.push(r)
    }
    break
  }
  if (!s.view.ending && days(today, f.end) <= 30) {
    out.push({ kind: 'renewal', duty: null, due: f.end, days_overdue: 0, message: `协议将于 ${f.end} 期满，甲方应与乙方到村委会协商是否续签`, en: `the agreement ends ${f.end}: meet at the committee to renew` })
  }
  return out.sort((a, b) => b.days_overdue - a.days_overdue || a.due.localeCompare(b.due))
}

function printHtml(v: AgreementView): string {
  const f = v.form
  const u = (s: string | number) => `<u> ${String(s).replace(/[<&>]/g, (c) => `&#${c.charCodeAt(0)};`)} </u>`
  const services = [...(SERVICES[f.kind] ?? []).filter((s) => f.services.includes(s)).map((s) => SERVICE_ZH[s]), ...f.extra_services]
  const p = (s: string) => `<p>${s}</p>\n`
  const village = `${f.committee.village.replace(/村民委员会$/, '')}村民委员会`
  let b = `<p class="att">${f.kind === 'assisted' ? '附件4' : '附件3'}</p>\n<h1>农村居家互助养老协议书</h1>\n`
  b += `<p class="sub">（供参考，${f.kind === 'assisted' ? '适用于介助\\介护老人' : '适用于自理老人'}）</p>\n`
  b += p(`甲方（委托人）：${u(f.delegator.name)}`) + p(`身份证号码${u(f.delegator.id_number)}与被助养老人关系${u(f.delegator.relation)}`)
  b += p(`家庭住址${u(f.delegator.address)}联系方式${u(f.delegator.phone)}`)
  b += p(`乙方（受托人）：${u(f.trustee.name)}`) + p(`身份证号码${u(f.trustee.id_number)}`) + p(`家庭住址${u(f.trustee.address)}联系方式${u(f.trustee.phone)}`)
  b += p(`被助养老人（留守老人）：${u(f.elder.name)}`) + p(`家庭住址${u(f.elder.address)}联系方式${u(f.elder.phone)}`)
  b += p(`村民委员会（监督见证代表）：${u(`${village} ${f.committee.staff}`)}`)
  b += '<h2>一、居家助养期限、地点</h2>\n' + p(`1. 服务期限：${u(f.years)}年。`) + p(`自${u(f.start)}起至${u(f.end)}止。`) + p(`2. 服务地点：${u(f.place)}`)
  b += '<h2>二、甲方的权利和义务</h2>\n' + p('1. 积极配合乙方开展助养服务工作。') + p('3. 按时向乙方交纳须承担的服务费。') + p('5. 每周至少一次电话向乙方了解被助老人状况。')
  b += '<h2>三、乙方的权利和义务</h2>\n'
  b += p(f.hours.mode === 'per_day' ? `1. 每日提供助养服务时间：每天${u(f.hours.hours)}个小时。` : `1. 每日提供助养服务时间：从${u(f.hours.from)}时至${u(f.hours.to)}时。`)
  b += p('2. 主动关心老人的需求，提供相应服务：') + services.map((s, i) => p(`\u3000(${i + 1}) ${u(s)}；`)).join('')
  b += '<h2>四、村委会职责</h2>\n' + p(`${u(village)}派出工作人员${u(f.committee.staff)}，负责监督和见证甲方、乙方实施本协议：`)
  b += '<h2>五、解除协议</h2>\n' + p('2. 协议期未满，甲方、乙方任意一方无过错要求解除协议的，应提前 15 日通知对方。')
  b += '<h2>六、其他约定：</h2>\n' + p(`费用支付数额：${u(`${f.fee.amount}元`)}；支付方式：${u(f.fee.method)}。`)
  b += p('本协议一式四份，自签订之日起执行，甲乙双方、被助养老人、村委会各执一份。')
  b += '<div class="sign"><p>甲方（签字）：<span class="line"></span></p><p>乙方（签字）：<span class="line"></span></p><p>被助养老人（签字或指印）：<span class="line"></span></p><p>村民委员会（代表）签字：<span class="line"></span></p></div>\n'
  const css = `@page { size: A4; margin: 20mm; }
body { font-family: 'Noto Serif CJK SC', 'Noto Sans CJK SC', serif; font-size: 11pt; line-height: 1.7; color: #000; }
.agreement { max-width: 168mm; margin: 0 auto; } h1 { text-align: center; font-size: 18pt; } .sub { text-align: center; }
h2 { font-size: 11pt; margin: 3mm 0 0; } p { margin: 0; } .sign { display: grid; grid-template-columns: 1fr 1fr; gap: 6mm; margin-top: 8mm; }
.sign .line { display: inline-block; width: 30mm; border-bottom: 1px solid #000; }
@media screen { .agreement { background: #fff; padding: 20mm; } }`
  return `<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>农村居家互助养老协议书</title>\n<style>\n${css}</style></head>\n<body><article class="agreement">\n${b}</article></body></html>\n`
}

export function officeHandlers(ctx: OfficeCtx): OfficeHandlers {
  const { elders, forbid, office, today } = ctx
  const year = today.slice(0, 4)
  const history = new Map<string, RiskEntryView[]>()
  const agreements = new Map<string, Stored>()
  const changed = (n = 1) => {
    ctx.sync.pending += n
    ctx.emit('sync-status', { ...ctx.sync })
  }
  const elder = (id: string) => {
    const e = elders.get(id)
    if (!e) throw ctx.notFound()
    return e
  }
  const entry = (e: ElderForm, date: string, assessor: string, intervention: string | null): RiskEntryView => ({
    id: hex(), assessment: { ...assess(e, date), date }, assessor, intervention, follow_ups: [],
  })

  // The demo village: last year's round for all but two (never assessed), this year's for the first
  // four; one agreement.
  const list = [...elders.values()]
  list.forEach((e, i) => {
    const entries = i === 4 || i === 9 ? [] : [entry(e, '2025-10-20', '王主任', null)]
    if (i < 4) entries.push(entry(e, `${year}-0${3 + i}-1${i}`, '王主任', i === 2 ? '每周电话联系子女，互助员每周上门两次' : null))
    history.set(e.id!, entries)
  })
  const seeded: AgreementForm = {
    kind: 'assisted',
    delegator: { name: list[0] ? list[0].supporters[0]?.name ?? '王强' : '王强', id_number: withDigit('51190219750314003'), relation: '儿子', address: '广东省东莞市长安镇沙头社区', phone: '13800138000' },
    trustee: { name: '陈桂兰', id_number: withDigit('51190219680922004'), address: '斑竹村3组15号', phone: '13990001234' },
    elder: { elder: list[0]?.id ?? '', name: list[0]?.name ?? '', address: list[0]?.address ?? '', phone: list[0]?.phone ?? '' },
    committee: { village: '斑竹村', staff: '赵明', phone: '13700001111' },
    years: 1, start: '2026-06-01', end: '2027-05-31', place: '被助养老人家中', hours: { mode: 'between', from: 8, to: 11, hours: 0 },
    services: ['hygiene', 'cleaning', 'shopping_cooking', 'companionship'], extra_services: ['代缴水电费'],
    fee: { amount: '300.00', every: 'month', method: '微信转账' }, other_terms: '', signed_on: '2026-05-28',
  }
  const store = (form: AgreementForm, renews: string | null = null): Stored => {
    const s: Stored = {
      view: { id: hex(), form: clone(form), renews, payments: [], paid: '0.00', done: [], ending: null, last_day: form.end, reminders: [] },
      payments: [],
    }
    agreements.set(s.view.id, s)
    return s
  }
  const view = (s: Stored): AgreementView => {
    s.view.paid = yuan(s.payments.reduce((a, p) => a + p.fen, 0))
    s.view.reminders = reminders(s, today)
    return clone(s.view)
  }
  const get = (id: string) => {
    const s = agreements.get(id)
    if (!s) throw { kind: 'invalid', field: 'agreement', message: `没有编号为 ${id} 的协议`, en: `no agreement with id ${id}`, violations: [] }
    return s
  }
  if (list[0]) {
    const s = store(seeded)
    for (const on of ['2026-06-01', '2026-07-01', '2026-08-01', '2026-09-01']) {
      s.payments.push({ on, fen: 30000 })
      s.view.payments.push({ on, amount: '300.00', note: '微信' })
    }
    s.view.done.push({ duty: 'committee_checks', on: '2026-11-16' }, { duty: 'delegator_calls', on: '2026-11-20' }, { duty: 'trustee_reports', on: '2026-11-01' })
  }

  return {
    assess_risk: (a) => {
      forbid(office)
      return assess(elder(a.id), today)
    },
    save_risk: (a) => {
      forbid(office)
      if (!a.assessor.trim()) invalid([err('assessor', 'assessor 必填，且不超过 500 个字', 'assessor is required and at most 500 characters')])
      const e = entry(elder(a.elder), today, a.assessor.trim(), a.intervention?.trim() || null)
      history.set(a.elder, [...(history.get(a.elder) ?? []), e])
      changed(2)
      return clone(e)
    },
    risk_list: (q) => {
      forbid(office)
      const rows: RiskLine[] = [...elders.values()]
        .filter((e) => (e.status ?? 'active') === 'active')
        .map((e) => {
          const all = history.get(e.id!) ?? []
          const last = all[all.length - 1]
          return {
            elder: e.id!, name: e.name, assessment: last?.id ?? null, date: last?.assessment.date ?? null, level: last?.assessment.level ?? null,
            score: last?.assessment.score ?? null, intervention: last?.intervention ?? null, follow_ups: last?.follow_ups.length ?? 0,
            last_follow_up: last?.follow_ups[last.follow_ups.length - 1]?.on ?? null,
          }
        })
        .filter((r) => (!q.high || r.level === 'high') && (!q.unassessed || r.date === null || r.date < `${year}-01-01`))
      return rows.sort((a, b) => Number(b.level === 'high') - Number(a.level === 'high') || a.name.localeCompare(b.name, 'zh'))
    },
    risk_history: (a) => {
      forbid(office)
      elder(a.id)
      return clone([...(history.get(a.id) ?? [])].reverse())
    },
    follow_up_risk: (a) => {
      forbid(office)
      const found = history.get(a.elder)?.find((h) => h.id === a.assessment)
      if (!found) invalid([err('assessment', '该老人没有这项风险评估', 'no such assessment')])
      const problems: FieldError[] = []
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.on)) problems.push(err('on', '日期应写作 年-月-日，如 2026-12-01', 'a date is written YYYY-MM-DD', 'date'))
      if (!a.note.trim()) problems.push(err('note', 'note 必填，且不超过 500 个字', 'note is required and at most 500 characters'))
      if (!a.by.trim()) problems.push(err('by', 'by 必填，且不超过 500 个字', 'by is required and at most 500 characters'))
      if (problems.length) invalid(problems)
      const id = hex()
      found!.follow_ups.push({ id, on: a.on, note: a.note.trim(), by: a.by.trim() })
      changed()
      return id
    },
    list_agreements: (q) => {
      forbid(office)
      return [...agreements.values()]
        .filter((s) => !q.elder || s.view.form.elder.elder === q.elder)
        .map((s): AgreementLine => {
          const v = view(s)
          return {
            id: v.id, elder: v.form.elder.elder, elder_name: elders.get(v.form.elder.elder)?.name ?? v.form.elder.name, kind: v.form.kind,
            trustee: v.form.trustee.name, start: v.form.start, last_day: v.last_day, renews: v.renews, ended: v.ending !== null,
            payments: v.payments.length, paid: v.paid, reminders: v.reminders,
          }
        })
        .sort((a, b) => a.elder_name.localeCompare(b.elder_name, 'zh') || a.start.localeCompare(b.start))
    },
    get_agreement: (a) => {
      forbid(office)
      return view(get(a.id))
    },
    check_agreement: (f) => {
      forbid(office)
      return check(f)
    },
    save_agreement: (f) => {
      forbid(office)
      const v = check(f)
      if (v.length) invalid(v)
      changed()
      return view(store(f))
    },
    record_payment: (a) => {
      forbid(office)
      const s = get(a.agreement)
      if (!/^\d{4}-\d{2}-\d{2}$/.test(a.on)) invalid([err('on', '日期应写作 年-月-日，如 2026-12-01', 'a date is written YYYY-MM-DD', 'date')])
      if (!/^\d+(\.\d{1,2})?$/.test(a.amount.trim())) invalid([err('amount', `金额应为元，最多两位小数，如 300 或 300.50；收到“${a.amount}”`, 'an amount is in yuan with at most two decimals', 'amount')])
      s.payments.push({ on: a.on, fen: fen(a.amount) })
      s.view.payments.push({ on: a.on, amount: yuan(fen(a.amount)), note: a.note })
      s.view.payments.sort((x, y) => x.on.localeCompare(y.on))
      changed()
      return view(s)
    },
    record_duty: (a) => {
      forbid(office)
      const s = get(a.agreement)
      if (a.on < s.view.form.start) invalid([err('on', '日期早于协议起始日期', 'dated before the agreement starts', 'before_start')])
      s.view.done.push({ duty: a.duty, on: a.on })
      s.view.done.sort((x, y) => x.on.localeCompare(y.on))
      changed()
      return view(s)
    },
    end_agreement: (a) => {
      forbid(office)
      const s = get(a.agreement)
      const f = s.view.form
      if (s.view.ending) invalid([err('end_on', '协议已解除', 'the agreement has already ended', 'ending')])
      if (a.end_on < a.notice_on || a.end_on < f.start || a.end_on > f.end) {
        invalid([err('end_on', '解除日期应在协议期内且不早于通知日', 'the end must lie within the period and not before the notice', 'ending')])
      }
      if (a.reason === 'no_fault' && days(a.notice_on, a.end_on) < 15) {
        invalid([err('end_on', `无过错解除应提前 15 日通知对方（通知 ${a.notice_on}，解除 ${a.end_on}）`, "an end without fault needs 15 days' notice", 'ending')])
      }
      const allowed = a.reason === 'no_fault' || (a.reason === 'trustee_fault' && a.by === 'delegator') || (['non_payment', 'disputes'].includes(a.reason) && a.by === 'trustee')
      if (!allowed) invalid([err('by', '该方不能以此理由解除协议', 'this party cannot end the agreement for this reason', 'ending')])
      const zh: Record<string, string> = { no_fault: '无过错提前解除（提前15日通知）', non_payment: '甲方逾期一个月不交纳服务费', trustee_fault: '乙方未尽职尽责或损害权益', disputes: '易生纠纷影响服务质量或引发伤害' }
      s.view.ending = { by: a.by, reason: a.reason, reason_zh: zh[a.reason], notice_on: a.notice_on, end_on: a.end_on }
      s.view.last_day = a.end_on
      changed()
      return view(s)
    },
    renew_agreement: (a) => {
      forbid(office)
      const old = get(a.agreement)
      const start = addDays(old.view.last_day, 1)
      const form = { ...clone(old.view.form), years: a.years, start, end: addDays(addMonths(start, 12 * a.years), -1), signed_on: null }
      changed()
      return view(store(form, old.view.id))
    },
    print_agreement: (a) => {
      forbid(office)
      return printHtml(get(a.id).view)
    },
  }
}
