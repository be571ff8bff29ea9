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
sync: SyncView, };

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
policy: string, };

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
 * First run only: the policy profile.
 */
policy?: string | null, };

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
values: Array<string>, };

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
}

/** Every event the app emits, with its payload. */
export interface Events {
  "sync-progress": SyncProgress;
  "sync-status": SyncView;
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
] as const;
