// Generated from src-tauri/src/{dto,error,bindings}.rs by ts-rs. Do not edit:
// SHOUWANG_WRITE_BINDINGS=1 cargo test -p shouwang-app bindings

export type AppRole = "committee" | "helper" | "township" | "family";

export type RegistryInfo = { 
/**
 * 12-digit unit code.
 */
unit: string, 
/**
 * The unit's name, e.g. 斑竹村.
 */
name: string, 
/**
 * Policy profile, e.g. `sichuan`.
 */
policy: string, };

export type SyncView = { 
/**
 * Enrolled with a relay.
 */
enrolled: boolean, 
/**
 * The relay's URL.
 */
relay: string | null, 
/**
 * Changes made here and not yet acknowledged by the relay.
 */
pending: number, 
/**
 * When everything was last sent and received (RFC 3339).
 */
last_success: string | null, 
/**
 * When a sync was last tried.
 */
last_attempt: string | null, 
/**
 * What went wrong last time.
 */
last_error: string | null, 
/**
 * A sync is running now.
 */
syncing: boolean, 
/**
 * Family devices: their elder's id.
 */
elder: string | null, };

export type SyncProgress = { 
/**
 * `push` (sending) or `pull` (receiving).
 */
phase: string, 
/**
 * Changes done in this phase.
 */
changes_done: number, 
/**
 * Changes in this phase (an upper bound for a pull).
 */
changes_total: number, 
/**
 * Bytes moved in this phase.
 */
bytes_done: number, };

export type AppStatus = { 
/**
 * The database file.
 */
db_path: string, 
/**
 * The registry, once created or enrolled; `None` shows the first-run screen.
 */
registry: RegistryInfo | null, 
/**
 * Which screens exist.
 */
role: AppRole, 
/**
 * The sync indicator.
 */
sync: SyncView, 
/**
 * An encrypted registry is here but closed: the lock screen asks for the PIN.
 */
locked: boolean, 
/**
 * The registry is encrypted at rest under a PIN.
 */
encrypted: boolean, };

export type CreateRegistryArgs = { 
/**
 * 12-digit unit code of the village (统计用区划代码).
 */
unit: string, 
/**
 * Its name.
 */
name: string, 
/**
 * Policy profile: `liaoning`, `shandong`, `hunan`, `guangdong`, `sichuan`.
 */
policy: string, 
/**
 * The PIN (6 digits or more) or passphrase the registry's key is wrapped under.
 */
pin: string, };

export type EnrolArgs = { 
/**
 * The relay's URL, e.g. `http://192.168.1.10:8787`.
 */
relay: string, 
/**
 * The one-time code.
 */
code: string, 
/**
 * This device's name at the relay, e.g. 村委会办公室.
 */
device_name: string, 
/**
 * First run only: the unit code printed with the code (the registry is created for it).
 */
unit?: string | null, 
/**
 * First run only: the policy profile; empty: the profile of the place the unit lies in.
 */
policy?: string | null, 
/**
 * First run only: the PIN (6 digits or more) or passphrase the new registry's key is wrapped under.
 */
pin?: string | null, 
/**
 * The key bundle of the QR code (`SWK1.…`, its `keys=`): the village's keys for this device,
 * imported before the code is redeemed. Without it the device reads nothing others wrote.
 */
keys?: string | null, };

export type ListQuery = { 
/**
 * Part of the name (or of the ID number).
 */
text?: string | null, 
/**
 * Status code: `active` (default), `moved_away`, `deceased`, `all`.
 */
status?: string | null, 
/**
 * Group code, e.g. `advanced_age` 高龄, `living_alone` 独居.
 */
category?: string | null, 
/**
 * Age band: `60-69`, `70-79`, `60-79`, `80+`.
 */
age?: string | null, 
/**
 * Order: `name`, `age`, `address`, `updated`.
 */
sort?: string | null, 
/**
 * At most this many rows.
 */
limit?: number | null, };

export type ElderLine = { 
/**
 * Elder id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * `male` / `female`.
 */
sex: string, 
/**
 * Age today.
 */
age: number, 
/**
 * 现居住地址
 */
address: string, 
/**
 * Phone.
 */
phone: string | null, 
/**
 * 身体情况 code.
 */
health: string | null, 
/**
 * Group codes.
 */
categories: Array<string>, 
/**
 * Status code.
 */
status: string, 
/**
 * Fields two devices disagree on.
 */
conflicts: number, 
/**
 * When the next visit is due (`YYYY-MM-DD`), once visit schedules reach this list.
 */
due: string | null, };

export type DisabilityForm = { 
/**
 * `visual` `hearing` `speech` `physical` `intellectual` `mental` `multiple`.
 */
kind: string, 
/**
 * 1 (most severe) to 4.
 */
grade: number, };

export type ChildForm = { 
/**
 * Key (kept so edits merge).
 */
id?: string | null, 
/**
 * 出生年份
 */
birth_year: number, 
/**
 * Name.
 */
name?: string | null, 
/**
 * `male` / `female`.
 */
sex?: string | null, };

export type MigrationForm = { 
/**
 * Away since.
 */
away_since?: string | null, 
/**
 * 最近一次回家探望时间
 */
last_home_visit?: string | null, 
/**
 * 每年团聚次数
 */
reunions_per_year?: number | null, 
/**
 * 平均天数
 */
reunion_days?: number | null, };

export type SupporterForm = { 
/**
 * Key (kept so edits merge).
 */
id?: string | null, 
/**
 * 姓名
 */
name: string, 
/**
 * Relation, e.g. 儿子.
 */
relation: string, 
/**
 * `male` / `female`.
 */
sex?: string | null, 
/**
 * Mobile phone.
 */
phone?: string | null, 
/**
 * Address.
 */
address: string, 
/**
 * 主要赡养人.
 */
main: boolean, 
/**
 * 去向, e.g. 广东省东莞市.
 */
whereabouts: string, 
/**
 * Away from the county.
 */
away: boolean, };

export type SignOffForm = { 
/**
 * 填报单位
 */
filing_unit: string, 
/**
 * 填表人
 */
filler: string, 
/**
 * 复核人
 */
reviewer: string, 
/**
 * 单位负责人
 */
unit_head: string, 
/**
 * 填报日期 `YYYY-MM-DD`.
 */
date?: string | null, };

export type ElderForm = { 
/**
 * Set when editing.
 */
id?: string | null, 
/**
 * 村（居）委会 code; empty: the registry's own unit.
 */
unit: string, 
/**
 * 姓名
 */
name: string, 
/**
 * `male` / `female`.
 */
sex: string, 
/**
 * 出生日期 `YYYY-MM-DD`.
 */
birth_date: string, 
/**
 * 民族
 */
ethnicity: string, 
/**
 * 身份证号码
 */
id_number?: string | null, 
/**
 * `rural` / `urban`.
 */
hukou?: string | null, 
/**
 * 户籍所在地
 */
household_place: string, 
/**
 * 现居住地址
 */
address: string, 
/**
 * 联系电话
 */
phone?: string | null, 
/**
 * `healthy` / `disabled` / `ill`.
 */
health?: string | null, 
/**
 * 残疾类别及等级
 */
disability?: DisabilityForm | null, 
/**
 * 患病类型
 */
illness: string, 
/**
 * `illiterate` / `primary` / `junior` / `senior_or_above`.
 */
education?: string | null, 
/**
 * `both_living` / `one_living`.
 */
spouse?: string | null, 
/**
 * 子女情况
 */
children: Array<ChildForm>, 
/**
 * 子女外出务工情况
 */
migration?: MigrationForm | null, 
/**
 * 家庭经济来源 codes.
 */
income_sources: Array<string>, 
/**
 * `cared_for` / `not_cared_for`.
 */
care?: string | null, 
/**
 * 养老需求
 */
needs: string, 
/**
 * 存在困难问题
 */
difficulties: string, 
/**
 * 主要赡养人或扶养人
 */
supporters: Array<SupporterForm>, 
/**
 * Group codes (高龄 is also derived from the age).
 */
categories: Array<string>, 
/**
 * Status code (read only here; archiving is its own step).
 */
status?: string | null, 
/**
 * Sign-off.
 */
sign_off: SignOffForm, };

export type SavedElder = { 
/**
 * The elder's id.
 */
id: string, 
/**
 * Warnings the record was saved with.
 */
warnings: Array<FieldError>, };

export type ReviewEntry = { 
/**
 * The elder.
 */
elder: string, 
/**
 * Their name.
 */
name: string, 
/**
 * The field two devices disagree on.
 */
field: string, 
/**
 * Every value written, as JSON text.
 */
values: Array<string>, 
/**
 * For a change held because the role that pushed it may not write the field (a helper's tablet
 * rewriting a card's name): that role, as the UI names it (`互助员`); the change was not applied.
 */
held_from: string | null, };

export type QuarantineEntry = { 
/**
 * The document it was for.
 */
doc: string, 
/**
 * Why it is held.
 */
reason: string, 
/**
 * When it arrived.
 */
received_at: string, };

export type Review = { 
/**
 * Fields two devices wrote differently.
 */
conflicts: Array<ReviewEntry>, 
/**
 * Changes held back.
 */
quarantine: Array<QuarantineEntry>, };

export type CardSupporter = { 
/**
 * 姓名
 */
name: string, 
/**
 * Relation.
 */
relation: string, 
/**
 * Phone.
 */
phone: string | null, 
/**
 * 去向
 */
whereabouts: string, 
/**
 * 主要赡养人.
 */
main: boolean, };

export type CardView = { 
/**
 * Elder id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * `male` / `female`.
 */
sex: string | null, 
/**
 * 现居住地址
 */
address: string, 
/**
 * The elder's phone.
 */
phone: string | null, 
/**
 * Supporters.
 */
supporters: Array<CardSupporter>, };

export type ElderRef = { 
/**
 * Elder id (32 hex digits).
 */
id: string, };

export type RoundQuery = { 
/**
 * Helper id (32 hex digits).
 */
helper: string | null, };

export type DueLine = { 
/**
 * Elder id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * Their current helper's id.
 */
helper: string | null, 
/**
 * Assessed at high risk (visited more often).
 */
high_risk: boolean, 
/**
 * Date of the latest visit (`YYYY-MM-DD`, China time).
 */
last_visit: string | null, 
/**
 * When the next visit is due; absent when never visited.
 */
due_on: string | null, 
/**
 * `overdue`, `due` (today) or `upcoming`.
 */
status: string, 
/**
 * Days past the due date.
 */
days_overdue: number | null, };

export type CheckForm = { 
/**
 * A concern was found (the note then says what); fine otherwise.
 */
concern: boolean, 
/**
 * What the concern is.
 */
note: string, };

export type ChecksForm = { 
/**
 * 吃
 */
food: CheckForm, 
/**
 * 穿
 */
clothing: CheckForm, 
/**
 * 住
 */
housing: CheckForm, 
/**
 * 医
 */
medical: CheckForm, };

export type VisitForm = { 
/**
 * The elder visited.
 */
elder: string, 
/**
 * `door`, `phone` or `video`.
 */
mode: string, 
/**
 * 一访四查.
 */
checks: ChecksForm, 
/**
 * Service codes.
 */
services: Array<string>, 
/**
 * Minutes.
 */
duration_minutes: number, 
/**
 * Anything to follow up.
 */
follow_up: string, };

export type LoggedVisit = { 
/**
 * The visit's id.
 */
id: string, 
/**
 * Things worth a second look (the visit was saved all the same).
 */
warnings: Array<FieldError>, };

export type VisitLine = { 
/**
 * The visit's id.
 */
id: string, 
/**
 * When (RFC 3339).
 */
at: string, 
/**
 * Helper id.
 */
helper: string, 
/**
 * `door`, `phone` or `video`.
 */
mode: string, 
/**
 * 一访四查.
 */
checks: ChecksForm, 
/**
 * Service codes.
 */
services: Array<string>, 
/**
 * Minutes.
 */
duration_minutes: number, 
/**
 * Anything to follow up.
 */
follow_up: string, 
/**
 * The visit this one corrects.
 */
amends: string | null, };

export type FieldError = { 
/**
 * The field as a JSON path: `id_number`, `children[1].birth_year`, `supporters[0].phone`.
 */
field: string, 
/**
 * The rule's code, e.g. `id_checksum`.
 */
rule: string, 
/**
 * What is wrong, in Chinese.
 */
message: string, 
/**
 * What is wrong, in English.
 */
en: string, 
/**
 * A warning: the record may still be saved.
 */
warning: boolean, };

export type ErrorKind = "invalid" | "not_found" | "not_open" | "forbidden" | "offline" | "refused" | "failed";

export type AppError = { 
/**
 * What kind of failure.
 */
kind: ErrorKind, 
/**
 * The field at fault, when one is (the first violation's for `invalid`).
 */
field: string | null, 
/**
 * What went wrong, in Chinese.
 */
message: string, 
/**
 * What went wrong, in English.
 */
en: string, 
/**
 * Every broken rule, for `invalid`.
 */
violations: Array<FieldError>, };

export type HomePoint = { 
/**
 * Latitude.
 */
lat: number, 
/**
 * Longitude.
 */
lon: number, };

export type HelperLine = { 
/**
 * Helper id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * 联系电话
 */
phone: string | null, 
/**
 * Home, when recorded: the centre of the 15-minute walk.
 */
home: HomePoint | null, 
/**
 * When they can serve.
 */
availability: string, 
/**
 * 备案 date (`YYYY-MM-DD`), once filed with the township.
 */
filed_on: string | null, 
/**
 * Filed 备案.
 */
filed: boolean, 
/**
 * `active` 在岗 or `replaced` 已更换.
 */
status: string, 
/**
 * Who replaced them.
 */
replaced_by: string | null, 
/**
 * Name of who replaced them.
 */
replaced_by_name: string | null, 
/**
 * Elders currently assigned (their load).
 */
elders: number, };

export type HelperForm = { 
/**
 * Absent when adding.
 */
id?: string | null, 
/**
 * 姓名
 */
name: string, 
/**
 * 联系电话
 */
phone?: string | null, 
/**
 * Home position.
 */
home?: HomePoint | null, 
/**
 * When they can serve.
 */
availability?: string | null, 
/**
 * 备案 date `YYYY-MM-DD`.
 */
filed_on?: string | null, };

export type SavedHelper = { 
/**
 * The helper's id.
 */
id: string, };

export type ReplaceArgs = { 
/**
 * The helper who no longer serves.
 */
old: string, 
/**
 * Who takes over.
 */
new: string, 
/**
 * Why (e.g. 外出务工, 不能履行职责).
 */
reason: string, };

export type MovedLine = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Their name.
 */
elder_name: string, 
/**
 * Their helper before.
 */
from: string | null, 
/**
 * Their helper now.
 */
to: string, };

export type AssignArgs = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Helper id.
 */
helper: string, 
/**
 * Why (e.g. 就近, 家属要求).
 */
reason: string, };

export type WalkView = { 
/**
 * A helper serves elders within this many minutes on foot.
 */
limit_minutes: number, 
/**
 * Metres a minute.
 */
speed_m_per_min: number, 
/**
 * Path length over straight-line distance.
 */
detour_factor: number, 
/**
 * The straight-line radius the walk covers, in metres.
 */
reach_m: number, };

export type MapHelper = { 
/**
 * Helper id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * Metres east of the plot's origin (absent: no home recorded).
 */
x: number | null, 
/**
 * Metres north of the plot's origin.
 */
y: number | null, 
/**
 * Radius of the 15-minute reach circle in metres.
 */
reach_m: number, 
/**
 * Elders currently assigned.
 */
elders: number, };

export type InReach = { 
/**
 * Helper id.
 */
helper: string, 
/**
 * Minutes on foot.
 */
minutes: number, 
/**
 * Measured on foot rather than estimated.
 */
measured: boolean, };

export type MapElder = { 
/**
 * Elder id.
 */
id: string, 
/**
 * 姓名
 */
name: string, 
/**
 * 现居住地址
 */
address: string, 
/**
 * Their phone.
 */
phone: string | null, 
/**
 * Metres east of the origin (absent: no home recorded).
 */
x: number | null, 
/**
 * Metres north of the origin.
 */
y: number | null, 
/**
 * The current helper.
 */
helper: string | null, 
/**
 * Minutes on foot from the current helper's home, when known.
 */
minutes: number | null, 
/**
 * No helper reaches them on foot: phone and video visits.
 */
remote: boolean, 
/**
 * Helpers who reach them, nearest first.
 */
reachable: Array<InReach>, };

export type ReachMap = { 
/**
 * The policy's walk.
 */
walk: WalkView, 
/**
 * The plot's origin (the centre of the homes), WGS-84.
 */
origin: HomePoint | null, 
/**
 * Active helpers.
 */
helpers: Array<MapHelper>, 
/**
 * Active elders.
 */
elders: Array<MapElder>, };

export type PlanArgs = { 
/**
 * Elders already assigned keep their helper.
 */
keep_existing: boolean, 
/**
 * For `apply_assignment`: the proposals the user reviewed (elder → helper); refused when the
 * plan changed since.
 */
reviewed?: Array<PlanPick> | null, };

export type PlanPick = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Helper id.
 */
helper: string, };

export type ProposalLine = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Their name.
 */
elder_name: string, 
/**
 * The helper proposed (or kept).
 */
helper: string, 
/**
 * Their name.
 */
helper_name: string, 
/**
 * Minutes on foot, where known.
 */
minutes: number | null, 
/**
 * The current assignment, kept.
 */
kept: boolean, 
/**
 * The helper before, when the plan moves the elder.
 */
from: string | null, 
/**
 * Their name.
 */
from_name: string | null, 
/**
 * The plan changes this elder's helper.
 */
moves: boolean, };

export type RemoteLine = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Their name.
 */
name: string, 
/**
 * Their phone (for phone visits).
 */
phone: string | null, 
/**
 * Their current helper, if assigned by hand.
 */
helper: string | null, };

export type LoadLine = { 
/**
 * Helper id.
 */
helper: string, 
/**
 * Their name.
 */
name: string, 
/**
 * Elders now.
 */
before: number, 
/**
 * Elders under the plan.
 */
after: number, };

export type PlanView = { 
/**
 * Elder → helper, by elder.
 */
proposals: Array<ProposalLine>, 
/**
 * Elders no helper reaches.
 */
remote: Array<RemoteLine>, 
/**
 * Load per helper.
 */
loads: Array<LoadLine>, 
/**
 * How many elders the plan moves.
 */
moves: number, };

export type AssignmentView = { 
/**
 * The current helper.
 */
helper: string | null, 
/**
 * Their name.
 */
helper_name: string | null, 
/**
 * Every stint, newest first.
 */
history: Array<StintLine>, };

export type StintLine = { 
/**
 * Helper id.
 */
helper: string, 
/**
 * Their name.
 */
helper_name: string, 
/**
 * First day (`YYYY-MM-DD`).
 */
from: string, 
/**
 * Last day, while open absent.
 */
to: string | null, 
/**
 * Why.
 */
reason: string, };

export type CaseQuery = { 
/**
 * Only open cases.
 */
open?: boolean | null, 
/**
 * Only cases waiting longer than the policy allows.
 */
flagged?: boolean | null, 
/**
 * One elder's.
 */
elder?: string | null, };

export type CaseLine = { 
/**
 * Case id.
 */
id: string, 
/**
 * Elder id.
 */
elder: string, 
/**
 * Their name.
 */
elder_name: string | null, 
/**
 * 发现: when (RFC 3339).
 */
opened_at: string, 
/**
 * 发现: who.
 */
opened_by: string, 
/**
 * What happened.
 */
summary: string, 
/**
 * Opened by an emergency 助急.
 */
emergency: boolean, 
/**
 * Parties called (codes: `family`, `120`, `doctor`…).
 */
called: Array<string>, 
/**
 * Furthest stage reached (code).
 */
stage: string, 
/**
 * When it was reached.
 */
stage_at: string, 
/**
 * Closed: when.
 */
closed_at: string | null, 
/**
 * Closed: how (code).
 */
outcome: string | null, 
/**
 * Open and waiting at its stage longer than the policy allows.
 */
flagged: boolean, 
/**
 * The stage it waits for, when open.
 */
waiting_for: string | null, 
/**
 * Whole days it has waited at its stage (open cases).
 */
days_waited: number | null, 
/**
 * Days the policy allows to reach the next stage.
 */
limit_days: number | null, };

export type CaseRef = { 
/**
 * Case id.
 */
id: string, };

export type StepLine = { 
/**
 * Entry id (`opened` for 发现).
 */
id: string, 
/**
 * Stage code.
 */
stage: string, 
/**
 * When (RFC 3339).
 */
at: string, 
/**
 * Who.
 */
by: string, 
/**
 * What was done.
 */
note: string, 
/**
 * Why a stage was skipped to reach this one.
 */
skip_reason: string, };

export type CaseView = { 
/**
 * The list line (stage, flag, days waited).
 */
line: CaseLine, 
/**
 * 发现 and every stage entry after it, in time order.
 */
steps: Array<StepLine>, 
/**
 * When the emergency's calls were made.
 */
called_at: string | null, 
/**
 * The visit that opened it.
 */
visit: string | null, 
/**
 * Closed: who.
 */
closed_by: string | null, 
/**
 * Closed: remark.
 */
closed_note: string | null, 
/**
 * The chain's stages in order (core's `Stage::ALL`).
 */
stages: Array<string>, 
/**
 * The stages it may still be advanced to, the next first, each saying whether it skips one.
 */
next: Array<NextStage>, 
/**
 * The outcomes a case closes with (core's `Outcome::ALL`).
 */
outcomes: Array<string>, };

export type NextStage = { 
/**
 * The stage's code.
 */
stage: string, 
/**
 * It skips a stage: the form asks for the reason.
 */
skips: boolean, };

export type OpenCaseArgs = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * What happened.
 */
summary: string, 
/**
 * Who discovered it.
 */
by: string, 
/**
 * When (default now).
 */
at?: string | null, };

export type AdvanceArgs = { 
/**
 * Case id.
 */
id: string, 
/**
 * Stage code (default: the next one).
 */
stage?: string | null, 
/**
 * Who owns the stage.
 */
by: string, 
/**
 * What was done.
 */
note?: string | null, 
/**
 * Why a stage is skipped.
 */
skip_reason?: string | null, 
/**
 * When (default now).
 */
at?: string | null, };

export type CloseArgs = { 
/**
 * Case id.
 */
id: string, 
/**
 * Outcome code (`resolved`, `hospitalised`, `enrolled`, `with_family`, `deceased`, `not_needed`).
 */
outcome: string, 
/**
 * Who closes it.
 */
by: string, 
/**
 * A remark.
 */
note?: string | null, 
/**
 * When (default now).
 */
at?: string | null, };

export type CaseDone = { 
/**
 * Case id.
 */
case: string, 
/**
 * Elder id.
 */
elder: string, 
/**
 * Closed with an outcome as well.
 */
closed: boolean, };

export type EmergencyArgs = { 
/**
 * Elder id.
 */
elder: string, 
/**
 * Parties called, in order (`family`, `120`, `doctor`, `110`, `119`, `committee`, `neighbour`).
 */
called: Array<string>, 
/**
 * When the first call was made (default now).
 */
called_at?: string | null, 
/**
 * When the emergency began (default: the first call).
 */
at?: string | null, 
/**
 * What happened.
 */
summary: string, 
/**
 * Who handled it (default: the elder's helper).
 */
by?: string | null, 
/**
 * Outcome code when it is over.
 */
outcome?: string | null, 
/**
 * A remark on the outcome.
 */
outcome_note?: string | null, };

export type OrgContact = { 
/**
 * 姓名
 */
name: string, 
/**
 * Title.
 */
title: string, 
/**
 * Phone.
 */
phone: string | null, };

export type EmergencyContacts = { 
/**
 * The contact card (no ID number, no health data).
 */
card: CardView, 
/**
 * The village doctor (a member of the organisation titled 村医 / …医…), when listed.
 */
doctor: OrgContact | null, 
/**
 * The elder's helper's name.
 */
helper_name: string | null, };

export type RiskReasonView = { 
/**
 * The rule's id.
 */
rule: string, 
/**
 * The reason in Chinese.
 */
zh: string, 
/**
 * The reason in English.
 */
en: string, 
/**
 * Points it added.
 */
points: number, 
/**
 * The level it forces (`low`, `medium`, `high`), if any.
 */
level_at_least: string | null, };

export type RiskPreview = { 
/**
 * The elder assessed.
 */
elder: string, 
/**
 * `low`, `medium` or `high`.
 */
level: string, 
/**
 * 低风险 / 中风险 / 高风险.
 */
level_zh: string, 
/**
 * The sum of the points.
 */
score: number, 
/**
 * Every rule that held, in the rules' order.
 */
reasons: Array<RiskReasonView>, 
/**
 * The rules' id (`default`, or the policy's).
 */
rules: string, 
/**
 * The date assessed.
 */
date: string, 
/**
 * Whether the visits of the rules' window were taken into account.
 */
visits_considered: boolean, };

export type SaveRiskArgs = { 
/**
 * The elder's id.
 */
elder: string, 
/**
 * Who assessed (the committee member's name).
 */
assessor: string, 
/**
 * The intervention chosen, if any.
 */
intervention: string | null, };

export type RiskFollowUpView = { 
/**
 * Its id.
 */
id: string, 
/**
 * When it was done.
 */
on: string, 
/**
 * What was done and found.
 */
note: string, 
/**
 * Who did it.
 */
by: string, };

export type RiskEntryView = { 
/**
 * Its id.
 */
id: string, 
/**
 * The assessment: level, score, reasons, rules, date.
 */
assessment: RiskPreview, 
/**
 * Who assessed.
 */
assessor: string, 
/**
 * The intervention chosen.
 */
intervention: string | null, 
/**
 * Follow-ups, oldest first.
 */
follow_ups: Array<RiskFollowUpView>, };

export type RiskListQuery = { 
/**
 * Only the high-risk list (with intervention and follow-up).
 */
high: boolean, 
/**
 * Only those not assessed this calendar year.
 */
unassessed: boolean, };

export type RiskLine = { 
/**
 * The elder's id.
 */
elder: string, 
/**
 * Their name.
 */
name: string, 
/**
 * The latest assessment's id (none: never assessed).
 */
assessment: string | null, 
/**
 * Its date.
 */
date: string | null, 
/**
 * Its level (`low`, `medium`, `high`).
 */
level: string | null, 
/**
 * Its score.
 */
score: number | null, 
/**
 * The intervention chosen.
 */
intervention: string | null, 
/**
 * Follow-ups recorded.
 */
follow_ups: number, 
/**
 * The latest follow-up's date.
 */
last_follow_up: string | null, };

export type RiskFollowUpArgs = { 
/**
 * The elder's id.
 */
elder: string, 
/**
 * The assessment followed up.
 */
assessment: string, 
/**
 * When (`YYYY-MM-DD`).
 */
on: string, 
/**
 * What was done and found.
 */
note: string, 
/**
 * Who did it.
 */
by: string, };

export type DelegatorForm = { 
/**
 * 姓名
 */
name: string, 
/**
 * 身份证号码
 */
id_number: string, 
/**
 * 与被助养老人关系
 */
relation: string, 
/**
 * 家庭住址
 */
address: string, 
/**
 * 联系方式
 */
phone: string, };

export type TrusteeForm = { 
/**
 * 姓名
 */
name: string, 
/**
 * 身份证号码
 */
id_number: string, 
/**
 * 家庭住址
 */
address: string, 
/**
 * 联系方式
 */
phone: string, };

export type CaredElderForm = { 
/**
 * The elder's registry id.
 */
elder: string, 
/**
 * 姓名
 */
name: string, 
/**
 * 家庭住址
 */
address: string, 
/**
 * 联系方式 (may be empty).
 */
phone: string, };

export type CommitteeForm = { 
/**
 * The committee, e.g. 斑竹村.
 */
village: string, 
/**
 * The staff member who witnesses and supervises.
 */
staff: string, 
/**
 * Their phone.
 */
phone: string, };

export type HoursForm = { 
/**
 * `between` or `per_day`.
 */
mode: string, 
/**
 * Starting hour (between).
 */
from: number, 
/**
 * Ending hour (between).
 */
to: number, 
/**
 * Hours a day (per_day).
 */
hours: number, };

export type FeeForm = { 
/**
 * Amount each period in yuan as typed (`300`, `300.50`).
 */
amount: string, 
/**
 * `month`, `quarter`, `half_year`, `year` or `once`.
 */
every: string, 
/**
 * 支付方式, e.g. 微信转账.
 */
method: string, };

export type AgreementForm = { 
/**
 * `self_care` (附件3) or `assisted` (附件4).
 */
kind: string, 
/**
 * 甲方（委托人）
 */
delegator: DelegatorForm, 
/**
 * 乙方（受托人）
 */
trustee: TrusteeForm, 
/**
 * 被助养老人
 */
elder: CaredElderForm, 
/**
 * 村民委员会（监督见证代表）
 */
committee: CommitteeForm, 
/**
 * 服务期限 in years.
 */
years: number, 
/**
 * Start (`YYYY-MM-DD`).
 */
start: string, 
/**
 * End (`YYYY-MM-DD`): the day before the anniversary.
 */
end: string, 
/**
 * 服务地点
 */
place: string, 
/**
 * Daily hours.
 */
hours: HoursForm, 
/**
 * Services ticked from the template's list (codes).
 */
services: Array<string>, 
/**
 * Services agreed beyond the list.
 */
extra_services: Array<string>, 
/**
 * The fee.
 */
fee: FeeForm, 
/**
 * 其他约定
 */
other_terms: string, 
/**
 * Signed on (`YYYY-MM-DD`), if signed.
 */
signed_on: string | null, };

export type ReminderView = { 
/**
 * `duty`, `payment`, `trustee_may_end`, `renewal` or `settle`.
 */
kind: string, 
/**
 * For a duty: `delegator_calls`, `trustee_reports` or `committee_checks`.
 */
duty: string | null, 
/**
 * When it falls (or fell) due.
 */
due: string, 
/**
 * Days past due (0 when not yet).
 */
days_overdue: number, 
/**
 * The reminder in Chinese.
 */
message: string, 
/**
 * The reminder in English.
 */
en: string, };

export type AgreementLine = { 
/**
 * Its id.
 */
id: string, 
/**
 * The elder's id.
 */
elder: string, 
/**
 * The elder's name.
 */
elder_name: string, 
/**
 * `self_care` (附件3) or `assisted` (附件4).
 */
kind: string, 
/**
 * 乙方.
 */
trustee: string, 
/**
 * Start.
 */
start: string, 
/**
 * The last day of service.
 */
last_day: string, 
/**
 * The agreement it renews.
 */
renews: string | null, 
/**
 * Ended early.
 */
ended: boolean, 
/**
 * Payments recorded.
 */
payments: number, 
/**
 * Their total in yuan (`600.00`).
 */
paid: string, 
/**
 * What is due or overdue today.
 */
reminders: Array<ReminderView>, };

export type AgreementQuery = { 
/**
 * One elder's (their id), or every one.
 */
elder: string | null, };

export type AgreementRef = { 
/**
 * The agreement's id.
 */
id: string, };

export type PaymentView = { 
/**
 * Paid on.
 */
on: string, 
/**
 * Amount in yuan (`300.00`).
 */
amount: string, 
/**
 * A note.
 */
note: string, };

export type DutyView = { 
/**
 * `delegator_calls`, `trustee_reports` or `committee_checks`.
 */
duty: string, 
/**
 * When.
 */
on: string, };

export type EndingView = { 
/**
 * `delegator` or `trustee`.
 */
by: string, 
/**
 * `no_fault`, `non_payment`, `trustee_fault` or `disputes`.
 */
reason: string, 
/**
 * The reason in the template's words.
 */
reason_zh: string, 
/**
 * Notice given on.
 */
notice_on: string, 
/**
 * Ends on.
 */
end_on: string, };

export type AgreementView = { 
/**
 * Its id.
 */
id: string, 
/**
 * The template's blanks.
 */
form: AgreementForm, 
/**
 * The agreement it renews.
 */
renews: string | null, 
/**
 * Payments, oldest first.
 */
payments: Array<PaymentView>, 
/**
 * Total paid in yuan.
 */
paid: string, 
/**
 * Duties done, oldest first.
 */
done: Array<DutyView>, 
/**
 * An early end.
 */
ending: EndingView | null, 
/**
 * The last day of service.
 */
last_day: string, 
/**
 * What is due or overdue today.
 */
reminders: Array<ReminderView>, };

export type PaymentArgs = { 
/**
 * The agreement.
 */
agreement: string, 
/**
 * Paid on (`YYYY-MM-DD`).
 */
on: string, 
/**
 * Amount in yuan as typed.
 */
amount: string, 
/**
 * A note (receipt, method).
 */
note: string, };

export type DutyArgs = { 
/**
 * The agreement.
 */
agreement: string, 
/**
 * `delegator_calls`, `trustee_reports` or `committee_checks`.
 */
duty: string, 
/**
 * Done on (`YYYY-MM-DD`).
 */
on: string, };

export type EndArgs = { 
/**
 * The agreement.
 */
agreement: string, 
/**
 * `delegator` or `trustee`.
 */
by: string, 
/**
 * `no_fault`, `non_payment`, `trustee_fault` or `disputes`.
 */
reason: string, 
/**
 * Notice given on (`YYYY-MM-DD`).
 */
notice_on: string, 
/**
 * Ends on (`YYYY-MM-DD`).
 */
end_on: string, };

export type RenewArgs = { 
/**
 * The agreement renewed.
 */
agreement: string, 
/**
 * Years of the new period.
 */
years: number, };

export type FileKind = "xlsx" | "csv" | "json";

export type SavedFile = { 
/**
 * Where it was written (the download directory, else the app data directory).
 */
path: string, 
/**
 * Its file name.
 */
name: string, };

export type EnteredValue = { 
/**
 * The column's number.
 */
column: number, 
/**
 * Its value on the total row.
 */
value: number, };

export type SummaryQuery = { 
/**
 * The layout (`guangdong`, `liaoning`); empty: the one of the registry's policy, else the first.
 */
layout: string | null, 
/**
 * A 12-digit unit within the registry; empty: the registry's own unit.
 */
unit: string | null, 
/**
 * The table's date 填报时间, `YYYY-MM-DD`; empty: today.
 */
date: string | null, 
/**
 * Count ages and absences at this date instead of the policy's cutoff (a new survey's date).
 */
cutoff: string | null, 
/**
 * The columns entered by hand.
 */
entered: Array<EnteredValue>, };

export type SummaryLine = { 
/**
 * 12-digit code.
 */
unit: string, 
/**
 * Its name where known.
 */
name: string, 
/**
 * One value per column; `null` for an entered column left blank.
 */
values: Array<number | null>, };

export type CheckLine = { 
/**
 * Its name.
 */
name: string, 
/**
 * As the form writes it, e.g. `1 = 2+3 = 4+5`.
 */
expression: string, 
/**
 * The row's unit.
 */
unit: string, 
/**
 * The total row.
 */
total: boolean, 
/**
 * Whether it holds.
 */
passed: boolean, 
/**
 * The check with each group's values and sum, in Chinese.
 */
message: string, 
/**
 * The same in English.
 */
en: string, };

export type SummaryTable = { 
/**
 * The layout's id.
 */
layout: string, 
/**
 * Every layout the app ships.
 */
layouts: Array<string>, 
/**
 * The title.
 */
title: string, 
/**
 * The unit line's label, e.g. 地市（盖章）：.
 */
unit_label: string, 
/**
 * The date line's label, e.g. 填报时间：.
 */
date_label: string, 
/**
 * The first column's heading.
 */
sub_unit_heading: string, 
/**
 * The unit.
 */
unit: string, 
/**
 * Its name.
 */
unit_name: string, 
/**
 * 填报时间.
 */
date: string, 
/**
 * The date ages and absences are counted at.
 */
cutoff: string, 
/**
 * Each column's headings, top level first; adjacent columns sharing a heading are merged under it.
 */
headings: Array<Array<string>>, 
/**
 * The numbers of the columns entered by hand.
 */
entered_columns: Array<number>, 
/**
 * One row per sub-unit.
 */
rows: Array<SummaryLine>, 
/**
 * 合计.
 */
total: SummaryLine, 
/**
 * Every check on the total row, then on each sub-unit's row.
 */
checks: Array<CheckLine>, 
/**
 * Whether every check holds.
 */
passes: boolean, 
/**
 * Elders counted.
 */
counted: number, 
/**
 * Active elders not counted (not left behind under the policy at the cutoff).
 */
not_counted: number, 
/**
 * The sign-off lines under the table.
 */
sign_off: Array<string>, 
/**
 * The notes under the table.
 */
notes: Array<string>, };

export type SummaryExport = { 
/**
 * The table.
 */
query: SummaryQuery, 
/**
 * XLSX laid out like the form, CSV or JSON.
 */
format: FileKind, };

export type ProgressQuery = { 
/**
 * The month.
 */
month: string | null, };

export type ProgressLine = { 
/**
 * `village`, `township` or `total`.
 */
level: string, 
/**
 * 12-digit code (empty on the total).
 */
unit: string, 
/**
 * The unit's name where known.
 */
name: string, 
/**
 * Elders served.
 */
elders: number, 
/**
 * Visits this month.
 */
visits: number, 
/**
 * Elders visited at least once this month.
 */
visited: number, 
/**
 * 月探访率, percent.
 */
coverage_percent: number, 
/**
 * Elders overdue on the report date.
 */
overdue: number, 
/**
 * Active helpers.
 */
active_helpers: number, 
/**
 * Emergencies 助急 this month.
 */
emergencies: number, 
/**
 * Cases open at the end of the month (or today).
 */
open_cases: number, };

export type ProgressReport = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * The date the overdue counts are taken on.
 */
on: string, 
/**
 * Villages, townships, then the total.
 */
rows: Array<ProgressLine>, };

export type ProgressExport = { 
/**
 * The month.
 */
query: ProgressQuery, 
/**
 * XLSX, CSV or JSON.
 */
format: FileKind, };

export type LedgerFile = { 
/**
 * Its name (`.xlsx` or `.csv` decides how it is read).
 */
name: string, 
/**
 * Its bytes, base64.
 */
data: string, 
/**
 * The sheet to read (XLSX); empty: the first.
 */
sheet: string | null, };

export type ImportProblem = { 
/**
 * The spreadsheet row number, as Excel shows it.
 */
row: number, 
/**
 * The column heading as the file writes it.
 */
column: string, 
/**
 * The record field.
 */
field: string, 
/**
 * The rule's code.
 */
rule: string, 
/**
 * In Chinese.
 */
message: string, 
/**
 * In English.
 */
en: string, 
/**
 * A warning: the row is imported all the same.
 */
warning: boolean, };

export type ImportLine = { 
/**
 * The spreadsheet row number.
 */
row: number, 
/**
 * The name in the row.
 */
name: string, 
/**
 * `add` (a new elder), `existing` (already registered: skipped) or `refuse` (nothing written).
 */
action: string, 
/**
 * Every problem, errors and warnings.
 */
problems: Array<ImportProblem>, };

export type ImportPreview = { 
/**
 * The file's name.
 */
file: string, 
/**
 * Data rows.
 */
rows: number, 
/**
 * Rows to register (with or without warnings).
 */
add: number, 
/**
 * Of those, rows with warnings.
 */
with_warnings: number, 
/**
 * Rows already registered (skipped).
 */
existing: number, 
/**
 * Rows refused.
 */
refused: number, 
/**
 * Headings the file has that name no column (ignored).
 */
ignored_headings: Array<string>, 
/**
 * Every row.
 */
lines: Array<ImportLine>, 
/**
 * Elders registered: 0 in a dry run.
 */
imported: number, 
/**
 * Whether anything was written.
 */
written: boolean, };

export type LedgerExport = { 
/**
 * XLSX, CSV or JSON.
 */
format: FileKind, };

export type CardPaper = "a6" | "a4";

export type CardQuery = { 
/**
 * Elder ids, in print order.
 */
elders: Array<string>, 
/**
 * A6 or A4 sheets.
 */
paper: CardPaper, 
/**
 * The area in the heading (e.g. 巴州区); empty: the registry's county.
 */
area: string | null, };

export type PrintedCards = { 
/**
 * A whole printable HTML page (core's layout), shown in a frame and printed from it.
 */
html: string, 
/**
 * Cards.
 */
cards: number, 
/**
 * Cards carrying a QR code with a family enrolment code from the relay.
 */
with_code: number, 
/**
 * Why cards have no QR code (offline, not enrolled, refused), in Chinese; `null` when all have one.
 */
no_code: string | null, 
/**
 * The same in English.
 */
no_code_en: string | null, };

export type DeviceKind = "helper" | "family";

export type IssueArgs = { 
/**
 * The device's kind.
 */
kind: DeviceKind, 
/**
 * The helper's id, for a helper's tablet.
 */
helper: string | null, 
/**
 * The elder's id, for a family phone.
 */
elder: string | null, };

export type IssuedCode = { 
/**
 * The device's kind.
 */
kind: DeviceKind, 
/**
 * Whose device: the helper's or the elder's name.
 */
name: string, 
/**
 * The one-time code, as typed (e.g. `ABCD-EFGH-JK`).
 */
code: string, 
/**
 * The relay the code is redeemed at.
 */
relay: string, 
/**
 * What the QR code holds and what may be pasted on the enrolling device:
 * `shouwang://enrol?relay=…&code=…&keys=SWK1.…` (the device's key bundle).
 */
payload: string, 
/**
 * The QR code as inline SVG.
 */
qr_svg: string, 
/**
 * Until when it may be redeemed (RFC 3339, UTC).
 */
expires_at: string, };

export type VisitedView = { 
/**
 * The date of the latest visit (`YYYY-MM-DD`), if any: nothing else of it.
 */
last_visit: string | null, 
/**
 * Visited in the current calendar month (China time) 本月已探访.
 */
this_month: boolean, };

export type IssuedKey = { 
/**
 * The key's id.
 */
key_id: string, 
/**
 * `helper`, `family`, `committee`, `township`.
 */
role: string, 
/**
 * Whose device, e.g. 陈桂兰的平板.
 */
label: string, 
/**
 * Revoked: it gets no key at the next rotation.
 */
revoked: boolean, };

export type KeysView = { 
/**
 * The cipher of the deployment (`xchacha20poly1305` or `sm4-gcm`).
 */
alg: string, 
/**
 * The newest key generation held (1 until the first rotation).
 */
generation: number, 
/**
 * Device keys issued by this store, newest last.
 */
issued: Array<IssuedKey>, };

export type RevokeArgs = { 
/**
 * The key id to revoke.
 */
key_id: string, };

export type LockView = { 
/**
 * The store is closed until the PIN is given.
 */
locked: boolean, 
/**
 * The registry is encrypted at rest under a PIN (false: a plaintext registry made before, or none).
 */
encrypted: boolean, 
/**
 * Wrong PINs in a row.
 */
failures: number, 
/**
 * Tries left before the back-off starts.
 */
attempts_left: number, 
/**
 * Seconds until the next try is accepted (0: now).
 */
wait_seconds: number, 
/**
 * Minutes without a touch before the app locks.
 */
idle_minutes: number, 
/**
 * The demo's PIN, shown on the lock screen in demo mode only (`SHOUWANG_DEMO_PIN`).
 */
demo_pin: string | null, };

export type UnlockArgs = { 
/**
 * What the person typed.
 */
pin: string, };

export type IdleArgs = { 
/**
 * 1 to 60.
 */
minutes: number, };

export type ChangePinArgs = { 
/**
 * The current PIN or passphrase.
 */
old: string, 
/**
 * The new one (6 characters or more).
 */
new: string, };

export type ConsentView = { 
/**
 * The consent's id.
 */
id: string, 
/**
 * `elder` 本人 or `relative` 亲属.
 */
given_by: string, 
/**
 * The relative's name.
 */
relative_name: string | null, 
/**
 * The relative's relation.
 */
relation: string | null, 
/**
 * `signature`, `thumbprint`, `oral_recorded`, `electronic`.
 */
method: string, 
/**
 * The day given (`YYYY-MM-DD`).
 */
on: string, 
/**
 * `visits`, `risk_assessment`, `family_card`, `township_statistics`.
 */
purposes: Array<string>, 
/**
 * When withdrawn (`YYYY-MM-DD`).
 */
withdrawn_on: string | null, 
/**
 * Who withdrew it.
 */
withdrawn_by: string | null, };

export type ConsentForm = { 
/**
 * The elder's id.
 */
elder: string, 
/**
 * `elder` or `relative`.
 */
given_by: string, 
/**
 * The relative's name (a relative only).
 */
relative_name?: string | null, 
/**
 * The relative's relation (a relative only).
 */
relation?: string | null, 
/**
 * How it was given.
 */
method: string, 
/**
 * The day (`YYYY-MM-DD`).
 */
on: string, 
/**
 * What it allows.
 */
purposes: Array<string>, };

export type WithdrawArgs = { 
/**
 * The elder's id.
 */
elder: string, 
/**
 * The consent's id.
 */
consent: string, 
/**
 * The day (`YYYY-MM-DD`).
 */
on: string, 
/**
 * Who withdrew it.
 */
by: string, };

export type EraseArgs = { 
/**
 * The elder's id.
 */
id: string, 
/**
 * The elder's name as typed by the person erasing (must match).
 */
confirm_name: string, 
/**
 * Why (e.g. 本人申请删除).
 */
reason: string, };

export type AuditQuery = { 
/**
 * Only entries about this elder.
 */
elder?: string | null, };

export type AuditLine = { 
/**
 * The device's entry number.
 */
seq: number, 
/**
 * When (RFC 3339).
 */
at: string, 
/**
 * The device.
 */
device: string, 
/**
 * Its role.
 */
role: string, 
/**
 * `view`, `change`, `export`, `erase`, `consent`.
 */
action: string, 
/**
 * The elder's id, if about one.
 */
elder: string | null, 
/**
 * The fields' names.
 */
fields: Array<string>, };

export type AuditBreak = { 
/**
 * The device whose chain is broken.
 */
device: string, 
/**
 * The entry.
 */
seq: number, 
/**
 * What is wrong, in Chinese.
 */
message: string, 
/**
 * What is wrong, in English.
 */
en: string, 
/**
 * `local` or `document`.
 */
source: string, };

/** Every command: its argument (passed as `{ args }`) and its result. */
export interface Commands {
  app_status: { args: null; result: AppStatus };
  create_registry: { args: CreateRegistryArgs; result: AppStatus };
  enrol: { args: EnrolArgs; result: AppStatus };
  sync_now: { args: null; result: SyncView };
  sync_status: { args: null; result: SyncView };
  list_elders: { args: ListQuery; result: Array<ElderLine> };
  my_elders: { args: null; result: Array<ElderLine> };
  get_elder: { args: ElderRef; result: ElderForm };
  validate_elder: { args: ElderForm; result: Array<FieldError> };
  save_elder: { args: ElderForm; result: SavedElder };
  review: { args: null; result: Review };
  family_card: { args: null; result: CardView };
  schedule: { args: RoundQuery; result: Array<DueLine> };
  today_round: { args: RoundQuery; result: Array<DueLine> };
  log_visit: { args: VisitForm; result: LoggedVisit };
  save_visit_draft: { args: VisitForm; result: null };
  visit_draft: { args: ElderRef; result: VisitForm | null };
  discard_visit_draft: { args: ElderRef; result: boolean };
  visit_history: { args: ElderRef; result: Array<VisitLine> };
  list_helpers: { args: null; result: Array<HelperLine> };
  get_helper: { args: ElderRef; result: HelperForm };
  save_helper: { args: HelperForm; result: SavedHelper };
  replace_helper: { args: ReplaceArgs; result: Array<MovedLine> };
  reach_map: { args: null; result: ReachMap };
  suggest_assignment: { args: PlanArgs; result: PlanView };
  apply_assignment: { args: PlanArgs; result: Array<MovedLine> };
  assign: { args: AssignArgs; result: MovedLine | null };
  elder_assignment: { args: ElderRef; result: AssignmentView };
  list_cases: { args: CaseQuery; result: Array<CaseLine> };
  get_case: { args: CaseRef; result: CaseView };
  open_case: { args: OpenCaseArgs; result: CaseDone };
  advance_case: { args: AdvanceArgs; result: CaseDone };
  close_case: { args: CloseArgs; result: CaseDone };
  emergency_contacts: { args: ElderRef; result: EmergencyContacts };
  log_emergency: { args: EmergencyArgs; result: CaseDone };
  assess_risk: { args: ElderRef; result: RiskPreview };
  save_risk: { args: SaveRiskArgs; result: RiskEntryView };
  risk_list: { args: RiskListQuery; result: Array<RiskLine> };
  risk_history: { args: ElderRef; result: Array<RiskEntryView> };
  follow_up_risk: { args: RiskFollowUpArgs; result: string };
  list_agreements: { args: AgreementQuery; result: Array<AgreementLine> };
  get_agreement: { args: AgreementRef; result: AgreementView };
  check_agreement: { args: AgreementForm; result: Array<FieldError> };
  save_agreement: { args: AgreementForm; result: AgreementView };
  record_payment: { args: PaymentArgs; result: AgreementView };
  record_duty: { args: DutyArgs; result: AgreementView };
  end_agreement: { args: EndArgs; result: AgreementView };
  renew_agreement: { args: RenewArgs; result: AgreementView };
  print_agreement: { args: AgreementRef; result: string };
  summary_table: { args: SummaryQuery; result: SummaryTable };
  export_summary: { args: SummaryExport; result: SavedFile };
  monthly_progress: { args: ProgressQuery; result: ProgressReport };
  export_progress: { args: ProgressExport; result: SavedFile };
  preview_import: { args: LedgerFile; result: ImportPreview };
  import_ledger: { args: LedgerFile; result: ImportPreview };
  export_ledger: { args: LedgerExport; result: SavedFile };
  print_cards: { args: CardQuery; result: PrintedCards };
  issue_enrolment: { args: IssueArgs; result: IssuedCode };
  family_visited: { args: null; result: VisitedView };
  device_keys: { args: null; result: KeysView };
  revoke_device: { args: RevokeArgs; result: KeysView };
  rotate_keys: { args: null; result: KeysView };
  lock_status: { args: null; result: LockView };
  unlock: { args: UnlockArgs; result: AppStatus };
  lock_now: { args: null; result: LockView };
  set_idle_minutes: { args: IdleArgs; result: LockView };
  change_pin: { args: ChangePinArgs; result: LockView };
  touch: { args: null; result: null };
  list_consents: { args: ElderRef; result: Array<ConsentView> };
  record_consent: { args: ConsentForm; result: ConsentView };
  withdraw_consent: { args: WithdrawArgs; result: ConsentView };
  export_elder_data: { args: ElderRef; result: SavedFile };
  erase_elder: { args: EraseArgs; result: null };
  audit_log: { args: AuditQuery; result: Array<AuditLine> };
  verify_audit: { args: null; result: Array<AuditBreak> };
}

/** Every event the app emits, with its payload. */
export interface Events {
  "sync-progress": SyncProgress;
  "sync-status": SyncView;
  "app-locked": LockView;
}

export const COMMAND_NAMES = [
  "app_status",
  "create_registry",
  "enrol",
  "sync_now",
  "sync_status",
  "list_elders",
  "my_elders",
  "get_elder",
  "validate_elder",
  "save_elder",
  "review",
  "family_card",
  "schedule",
  "today_round",
  "log_visit",
  "save_visit_draft",
  "visit_draft",
  "discard_visit_draft",
  "visit_history",
  "list_helpers",
  "get_helper",
  "save_helper",
  "replace_helper",
  "reach_map",
  "suggest_assignment",
  "apply_assignment",
  "assign",
  "elder_assignment",
  "list_cases",
  "get_case",
  "open_case",
  "advance_case",
  "close_case",
  "emergency_contacts",
  "log_emergency",
  "assess_risk",
  "save_risk",
  "risk_list",
  "risk_history",
  "follow_up_risk",
  "list_agreements",
  "get_agreement",
  "check_agreement",
  "save_agreement",
  "record_payment",
  "record_duty",
  "end_agreement",
  "renew_agreement",
  "print_agreement",
  "summary_table",
  "export_summary",
  "monthly_progress",
  "export_progress",
  "preview_import",
  "import_ledger",
  "export_ledger",
  "print_cards",
  "issue_enrolment",
  "family_visited",
  "device_keys",
  "revoke_device",
  "rotate_keys",
  "lock_status",
  "unlock",
  "lock_now",
  "set_idle_minutes",
  "change_pin",
  "touch",
  "list_consents",
  "record_consent",
  "withdraw_consent",
  "export_elder_data",
  "erase_elder",
  "audit_log",
  "verify_audit",
] as const;
