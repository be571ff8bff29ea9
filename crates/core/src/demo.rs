//! A realistic demo village: Chinese names, valid ID numbers, homes scattered around a village centre,
//! children away for work, mixed health. Deterministic for a seed, so tests and benchmarks can use it.
//!
//! ```
//! use shouwang_core::demo::{demo_village, DemoVillage};
//! let village = DemoVillage::bazhou();
//! let elders = demo_village(&village, 20, 7);
//! assert_eq!(elders.len(), 20);
//! assert_eq!(elders, demo_village(&village, 20, 7));
//! ```

use crate::division::UnitCode;
use crate::elder::*;
use crate::resident_id::check_digit;
use crate::sex::Sex;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeSet;

/// Where the demo village is.
#[derive(Debug, Clone)]
pub struct DemoVillage {
    /// The village's 12-digit code.
    pub unit: UnitCode,
    /// Its name, for addresses.
    pub name: String,
    /// The village centre (WGS-84).
    pub centre: Position,
    /// The date the registry is filled in on.
    pub today: NaiveDate,
}

impl DemoVillage {
    /// 四川省巴中市巴州区梁永镇斑竹村 (511902106202), the Bazhou district of seed 004.
    pub fn bazhou() -> DemoVillage {
        DemoVillage {
            unit: "511902106202".parse().expect("a valid code"),
            name: "梁永镇斑竹村".into(),
            centre: Position { lat: 31.7462, lon: 106.8321 },
            today: NaiveDate::from_ymd_opt(2026, 11, 1).expect("a date"),
        }
    }
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5eed_5eed_5eed_5eed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    /// A uniform float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.next_u64() as usize % items.len()]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何",
    "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
    "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余",
    "潘", "杜", "戴",
];
const MALE_GIVEN: &[&str] = &[
    "建国", "国强", "德明", "志刚", "永福", "家富", "大海", "明亮", "文华", "国平", "光荣", "树林", "长青",
    "德胜", "金山", "玉堂", "富贵", "宗林", "世明", "福生", "洪", "军", "成", "兵", "勇", "华", "清", "平",
];
const FEMALE_GIVEN: &[&str] = &[
    "秀英", "桂英", "玉兰", "秀兰", "淑珍", "凤英", "桂兰", "翠花", "素芬", "玉珍", "秀珍", "兰英", "淑英",
    "菊花", "桂芳", "春梅", "金凤", "素华", "丽", "芳", "敏", "静", "霞", "娟", "英", "琴", "梅", "红",
];
const CITIES: &[&str] = &[
    "广东省东莞市",
    "广东省深圳市",
    "浙江省宁波市",
    "浙江省义乌市",
    "江苏省苏州市",
    "上海市闵行区",
    "福建省泉州市",
    "新疆维吾尔自治区乌鲁木齐市",
    "重庆市渝北区",
    "四川省成都市武侯区",
];

/// Elders of a demo village: `n` of them, the same for the same seed.
pub fn demo_village(village: &DemoVillage, n: usize, seed: u64) -> Vec<Elder> {
    let mut rng = Rng::new(seed);
    let mut used = BTreeSet::new();
    (0..n).map(|_| demo_elder(village, &mut rng, &mut used)).collect()
}

fn demo_elder(v: &DemoVillage, rng: &mut Rng, used_ids: &mut BTreeSet<String>) -> Elder {
    let sex = if rng.chance(0.55) { Sex::Female } else { Sex::Male };
    let surname = *rng.pick(SURNAMES);
    let given = if sex == Sex::Male { rng.pick(MALE_GIVEN) } else { rng.pick(FEMALE_GIVEN) };
    let age = rng.range(60, 96) as i32;
    let birth_date = loop {
        let (m, d) = (rng.range(1, 12) as u32, rng.range(1, 28) as u32);
        let date = NaiveDate::from_ymd_opt(v.today.year() - age, m, d).expect("a day ≤ 28 exists");
        let id = demo_id_number(v.unit.county_prefix(), date, sex, rng);
        if used_ids.insert(id.clone()) {
            break (date, id);
        }
    };
    let (birth_date, id_number) = birth_date;
    let group = rng.range(1, 9);
    let address = format!("{}{}组{}号", v.name, group, rng.range(1, 60));
    // Homes within about 3 km of the centre: uniform over the disc.
    let (r, theta) = (3000.0 * rng.unit().sqrt(), rng.unit() * std::f64::consts::TAU);
    let home = Position {
        lat: v.centre.lat + r * theta.sin() / 111_320.0,
        lon: v.centre.lon + r * theta.cos() / (111_320.0 * v.centre.lat.to_radians().cos()),
    };
    let health = *rng.pick(&[
        Health::Healthy,
        Health::Healthy,
        Health::Healthy,
        Health::Healthy,
        Health::Ill,
        Health::Disabled,
    ]);
    let disability = (health == Health::Disabled)
        .then(|| Disability { kind: *rng.pick(DisabilityKind::ALL), grade: rng.range(1, 4) as u8 });
    let illness = if health == Health::Ill {
        rng.pick(&["高血压", "糖尿病", "脑梗塞", "慢性阻塞性肺病", "冠心病", "恶性肿瘤"]).to_string()
    } else {
        String::new()
    };
    let spouse = if age > 78 || rng.chance(0.3) { Spouse::OneLiving } else { Spouse::BothLiving };
    let n_children = rng.range(1, 4);
    let children: Vec<Child> = (0..n_children)
        .map(|i| Child {
            id: format!("c{}", i + 1),
            birth_year: birth_date.year() + rng.range(20, 36) as i32,
            name: String::new(),
            sex: Some(if rng.chance(0.5) { Sex::Male } else { Sex::Female }),
        })
        .collect();
    let months_away = rng.range(3, 180) as i32;
    let away_since = {
        let total = v.today.year() * 12 + v.today.month() as i32 - 1 - months_away;
        YearMonth { year: total / 12, month: (total % 12) as u32 + 1 }
    };
    let supporters: Vec<Supporter> = children
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let child_sex = c.sex.unwrap_or(Sex::Male);
            let name = format!(
                "{}{}",
                if child_sex == Sex::Male || sex == Sex::Male { surname } else { *rng.pick(SURNAMES) },
                if child_sex == Sex::Male { rng.pick(MALE_GIVEN) } else { rng.pick(FEMALE_GIVEN) }
            );
            let away = i > 0 || rng.chance(0.9);
            Supporter {
                id: format!("s{}", i + 1),
                name,
                relation: if child_sex == Sex::Male { "儿子" } else { "女儿" }.into(),
                sex: Some(child_sex),
                phone: Some(format!(
                    "1{}{:08}",
                    rng.pick(&["38", "39", "58", "86", "77", "35"]),
                    rng.range(0, 99_999_999)
                )),
                address: String::new(),
                main: i == 0,
                whereabouts: if away { rng.pick(CITIES).to_string() } else { "本村".into() },
                away,
                away_since: away.then(|| away_since.first_day()),
                reported_on: Some(v.today - chrono::Days::new(rng.range(0, 200) as u64)),
                able: true,
            }
        })
        .collect();
    let mut income_sources = BTreeSet::from([IncomeSource::MigrantWork]);
    for (source, p) in
        [(IncomeSource::Farming, 0.6), (IncomeSource::GovernmentAid, 0.35), (IncomeSource::Other, 0.1)]
    {
        if rng.chance(p) {
            income_sources.insert(source);
        }
    }
    let mut categories = BTreeSet::new();
    if spouse == Spouse::OneLiving {
        categories.insert(Category::LivingAlone);
    } else {
        categories.insert(Category::EmptyNest);
    }
    if income_sources.contains(&IncomeSource::GovernmentAid) && rng.chance(0.5) {
        categories.insert(Category::Hardship);
    }
    if health == Health::Disabled && rng.chance(0.6) {
        categories.insert(Category::Disabled);
    }
    if disability.as_ref().is_some_and(|d| d.grade <= 2) {
        categories.insert(Category::SevereDisability);
    }
    Elder {
        id: None,
        unit: v.unit.clone(),
        name: format!("{surname}{given}"),
        sex,
        birth_date,
        ethnicity: "汉族".into(),
        id_number: Some(id_number),
        hukou: Hukou::Rural,
        household_place: format!(
            "{}{}",
            crate::division::full_name(v.unit.county_prefix()).unwrap_or_default(),
            v.name
        ),
        address,
        phone: rng
            .chance(0.5)
            .then(|| format!("1{}{:08}", rng.pick(&["33", "53", "80", "89"]), rng.range(0, 99_999_999))),
        home: Some(home),
        health: Some(health),
        disability,
        illness,
        education: Some(*rng.pick(&[
            Education::Illiterate,
            Education::Illiterate,
            Education::Primary,
            Education::Primary,
            Education::Junior,
            Education::SeniorOrAbove,
        ])),
        spouse: Some(spouse),
        children,
        migration: Some(Migration {
            away_since: Some(away_since),
            last_home_visit: Some(YearMonth::of(v.today - chrono::Days::new(rng.range(20, 400) as u64))),
            reunions_per_year: Some(rng.range(1, 4) as u32),
            reunion_days: Some(rng.range(3, 20) as u32),
        }),
        income_sources,
        care: Some(if rng.chance(0.6) { Care::CaredFor } else { Care::NotCaredFor }),
        needs: rng
            .pick(&["", "希望定期上门看望", "需要代购药品", "希望有人帮忙打扫卫生", "需要送餐"])
            .to_string(),
        difficulties: rng.pick(&["", "行动不便", "子女长期不在身边", "看病路远", "房屋老旧"]).to_string(),
        supporters,
        categories,
        status: Status::Active,
        archive: None,
        sign_off: SignOff {
            filing_unit: format!("{}村民委员会", v.name),
            filler: "张晓燕".into(),
            reviewer: "李国平".into(),
            unit_head: "王德明".into(),
            date: Some(v.today),
        },
        service: None,
    }
}

/// A valid 18-digit ID number for someone born on `birth` in `region`, with the right sex digit.
pub fn demo_id_number(region: &str, birth: NaiveDate, sex: Sex, rng: &mut Rng) -> String {
    let seq =
        rng.range(0, 99) * 10 + if sex == Sex::Male { rng.range(0, 4) * 2 + 1 } else { rng.range(0, 4) * 2 };
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    let check = check_digit(&first17).expect("17 digits");
    format!("{first17}{check}")
}

/// One elder with every field of the form filled in, valid on 2026-11-23. For tests and examples.
pub fn sample_elder() -> Elder {
    let village = DemoVillage::bazhou();
    let mut elder = demo_village(&village, 1, 1).remove(0);
    // The registry derives the id from the ID number and its village's id key when it is added.
    elder.id = None;
    elder.disability = Some(Disability { kind: DisabilityKind::Physical, grade: 3 });
    elder.illness = "高血压".into();
    elder.service = Some(Service {
        helper: "陈桂兰".into(),
        from: NaiveDate::from_ymd_opt(2026, 1, 1),
        until: NaiveDate::from_ymd_opt(2026, 12, 31),
        content: "巡访、助洁".into(),
    });
    elder
}

/// The helpers, organisation, assignments and visits the demo village gets ([`demo_services`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct DemoServices {
    /// Helpers filed.
    pub helpers: usize,
    /// Elders assigned a helper.
    pub assigned: usize,
    /// Elders no helper reaches on foot (served by phone and video).
    pub remote: usize,
    /// Visits logged.
    pub visits: usize,
}

/// The demo village's helpers, living beside elders: going through the elders, one who lives beyond
/// every helper's walk (Bazhou's 15 minutes) gets a helper next door, up to one helper for every six
/// elders; the elders left beyond reach are the village's remote ones.
pub fn demo_helpers(elders: &[Elder], seed: u64) -> Vec<(crate::helper::HelperId, crate::helper::Helper)> {
    let mut rng = Rng::new(seed ^ 0x4e1b);
    let cap = (elders.len() / 6).max(1);
    let reach = crate::reach::Walk::of(&crate::policy::Policy::builtin("sichuan").expect("built in"))
        .straight_line_reach_m();
    let mut homes: Vec<Position> = Vec::new();
    let mut beside = Vec::new();
    for e in elders {
        let Some(h) = e.home else { continue };
        if homes.len() < cap && homes.iter().all(|x| crate::reach::distance_m(*x, h) > reach) {
            homes.push(h);
            beside.push(e);
        }
    }
    beside
        .into_iter()
        .map(|beside| {
            let home = beside.home.map(|p| Position {
                lat: p.lat + (rng.unit() - 0.5) * 0.002,
                lon: p.lon + (rng.unit() - 0.5) * 0.002,
            });
            let sex_female = rng.chance(0.7);
            let name = format!(
                "{}{}",
                rng.pick(SURNAMES),
                if sex_female { rng.pick(FEMALE_GIVEN) } else { rng.pick(MALE_GIVEN) }
            );
            let id: crate::helper::HelperId =
                format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()).parse().expect("32 hex digits");
            let helper = crate::helper::Helper {
                id: None,
                name,
                phone: Some(format!(
                    "1{}{:08}",
                    rng.pick(&["38", "39", "58", "86"]),
                    rng.range(0, 99_999_999)
                )),
                home,
                availability: rng
                    .pick(&["每天上午", "每天下午", "农忙时节除外，每天", "周一至周五"])
                    .to_string(),
                filed_on: beside.sign_off.date,
                status: crate::helper::HelperStatus::Active,
                replaced_by: None,
                walks: Default::default(),
            };
            (id, helper)
        })
        .collect()
}

/// The demo village's organisation (seed 004's three levels).
pub fn demo_org(village: &DemoVillage) -> crate::org::Org {
    use crate::org::{Body, Member, Org};
    let member = |id: &str, name: &str, title: &str, phone: &str| Member {
        id: id.into(),
        name: name.into(),
        title: title.into(),
        phone: Some(phone.into()),
    };
    Org {
        district: Body {
            name: "巴州区农村互助养老工作领导小组".into(),
            members: vec![
                member("d1", "赵志刚", "组长（区政府分管副区长）", "0827-5262001"),
                member("d2", "孙文华", "副组长（区民政局局长）", "0827-5262002"),
            ],
        },
        township: Body {
            name: "梁永镇互助养老服务大队".into(),
            members: vec![
                member("t1", "周国平", "大队长（镇党委副书记）", "13908271001"),
                member("t2", "吴秀兰", "联村领导", "13908271002"),
            ],
        },
        village: Body {
            name: format!("{}互助养老服务小队", village.name),
            members: vec![
                member("v1", "王德明", "小队长（村党支部书记）", "13908272001"),
                member("v2", "张晓燕", "联户人员", "13908272002"),
                member("v3", "李国平", "联户人员", "13908272003"),
            ],
        },
    }
}

/// Gives the demo village its organisation, helpers (with homes), assignments by walking reach (a
/// remote elder goes to the nearest helper for phone and video visits) and about three months of
/// visits up to `now`. Deterministic for a seed; does nothing when the registry already has helpers.
pub fn demo_services(
    store: &mut crate::store::Store,
    village: &DemoVillage,
    elders: &[Elder],
    seed: u64,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::store::Result<DemoServices> {
    use crate::visit::{Check, Checks, Fix, Mode, Service as S, Visit};
    let mut report = DemoServices::default();
    if !store.helpers()?.is_empty() || elders.is_empty() {
        return Ok(report);
    }
    store.set_org(demo_org(village), now)?;
    let helpers = demo_helpers(elders, seed);
    for (id, helper) in &helpers {
        store.add_helper_with_id(id, helper.clone(), now)?;
    }
    report.helpers = helpers.len();
    let plan = store.suggest_assignment(true)?;
    store.apply_plan(&plan, now)?;
    report.remote = plan.remote.len();
    let walk = store.walk();
    let (elders_at, helpers_at, _) = store.reach_inputs()?;
    for id in &plan.remote {
        let Some(elder) = elders_at.iter().find(|e| e.id == *id) else { continue };
        let nearest = helpers_at
            .iter()
            .filter_map(|h| crate::reach::minutes(&walk, h, elder).map(|m| (m.minutes, h.id.clone())))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, helper)) = nearest {
            store.assign(id, &helper, "步行范围外，电话视频巡访 / remote: phone and video visits", now)?;
        }
    }
    let mut rng = Rng::new(seed ^ 0x7151);
    let today = crate::time::local_date(now);
    let remote: BTreeSet<&ElderId> = plan.remote.iter().collect();
    for elder in &elders_at {
        let Some(helper) = store.assignment(&elder.id)?.helper else { continue };
        report.assigned += 1;
        for months_ago in (0..3u64).rev() {
            // About one elder in ten has a month without a visit: the overdue list is not empty.
            if rng.chance(0.1) {
                continue;
            }
            let day = today - chrono::Days::new(months_ago * 30 + rng.range(3, 25) as u64);
            let local = day.and_hms_opt(rng.range(8, 16) as u32, rng.range(0, 59) as u32, 0).expect("a time");
            let at =
                local.and_local_timezone(crate::time::china()).single().expect("no DST in China").to_utc();
            if at > now {
                continue;
            }
            let far = remote.contains(&elder.id);
            let mode = if far { *rng.pick(&[Mode::Phone, Mode::Video]) } else { Mode::Door };
            let mut checks = Checks::all_fine();
            if rng.chance(0.15) {
                checks.medical = Check::concern(rng.pick::<&str>(&[
                    "血压偏高，提醒按时服药",
                    "腿疼行走不便",
                    "咳嗽一周未就医",
                ]));
            }
            if rng.chance(0.08) {
                checks.housing = Check::concern(rng.pick::<&str>(&["屋顶漏雨", "冬季取暖不足", "电线老化"]));
            }
            let services = match mode {
                Mode::Door => vec![
                    S::Patrol,
                    *rng.pick(&[S::Tidying, S::Errands, S::Companionship, S::Meals, S::Affairs]),
                ],
                _ => vec![S::Patrol, S::Companionship],
            };
            let position = if mode == Mode::Door { elder.home } else { None }.map(|p| Fix {
                lat: p.lat + (rng.unit() - 0.5) * 0.0004,
                lon: p.lon + (rng.unit() - 0.5) * 0.0004,
                accuracy_m: Some(rng.range(5, 30) as f64),
            });
            let visit = Visit {
                id: format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
                elder: elder.id.clone(),
                helper: helper.to_string(),
                mode,
                at,
                duration_minutes: if mode == Mode::Door {
                    rng.range(20, 60) as u32
                } else {
                    rng.range(5, 15) as u32
                },
                follow_up: if checks.concerns() > 0 {
                    "告知子女，下次探访复查".into()
                } else {
                    String::new()
                },
                checks,
                services,
                position,
                amends: None,
                home_distance_m: None,
                recorded_at: None,
            };
            // Logged when it was made, as the helper's tablet would.
            store.log_visit(visit, at)?;
            report.visits += 1;
        }
    }
    Ok(report)
}
