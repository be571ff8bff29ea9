//! The ledger's columns: the form's own Chinese headings, the variants offices type, and where each
//! column goes in the record.

/// One column of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Col {
    /// 单位代码 (12 digits; default: the registry's unit)
    Unit,
    /// 姓名
    Name,
    /// 性别
    Sex,
    /// 出生日期
    BirthDate,
    /// 民族
    Ethnicity,
    /// 身份证号码
    IdNumber,
    /// 户籍性质 (农村户籍 / 城镇户籍; default 农村户籍)
    Hukou,
    /// 户籍所在地
    HouseholdPlace,
    /// 现居住地址
    Address,
    /// 联系电话 (the elder's)
    Phone,
    /// 身体情况
    Health,
    /// 残疾类别 (or 残疾类别及等级 in one cell)
    DisabilityKind,
    /// 残疾等级
    DisabilityGrade,
    /// 患病类型
    Illness,
    /// 文化程度
    Education,
    /// 夫妻情况
    Spouse,
    /// 子女数量
    ChildrenCount,
    /// 子女出生年份
    ChildrenBirthYears,
    /// 外出务工年限 (years)
    YearsAway,
    /// 外出时间 (YYYY-MM: since when; exact, beside the years)
    AwaySince,
    /// 最近一次回家探望时间
    LastHomeVisit,
    /// 每年团聚次数
    ReunionsPerYear,
    /// 平均天数
    ReunionDays,
    /// 家庭经济来源
    Income,
    /// 照料情况
    Care,
    /// 养老需求
    Needs,
    /// 存在困难问题
    Difficulties,
    /// 主要赡养人姓名
    SupporterName,
    /// 主要赡养人关系
    SupporterRelation,
    /// 主要赡养人性别
    SupporterSex,
    /// 主要赡养人联系地址
    SupporterAddress,
    /// 主要赡养人联系电话
    SupporterPhone,
    /// 主要赡养人去向
    SupporterWhereabouts,
    /// 主要赡养人是否外出
    SupporterAway,
    /// 人员类别 (高龄, 独居, …)
    Categories,
    /// 填报单位
    FilingUnit,
    /// 填表人
    Filler,
    /// 复核人
    Reviewer,
    /// 单位负责人
    UnitHead,
    /// 填报日期
    SignOffDate,
}

/// Every column in the order the export writes them, with the heading it writes.
pub const COLUMNS: &[(Col, &str)] = &[
    (Col::Unit, "单位代码"),
    (Col::Name, "姓名"),
    (Col::Sex, "性别"),
    (Col::BirthDate, "出生日期"),
    (Col::Ethnicity, "民族"),
    (Col::IdNumber, "身份证号码"),
    (Col::Hukou, "户籍性质"),
    (Col::HouseholdPlace, "户籍所在地"),
    (Col::Address, "现居住地址"),
    (Col::Phone, "联系电话"),
    (Col::Health, "身体情况"),
    (Col::DisabilityKind, "残疾类别"),
    (Col::DisabilityGrade, "残疾等级"),
    (Col::Illness, "患病类型"),
    (Col::Education, "文化程度"),
    (Col::Spouse, "夫妻情况"),
    (Col::ChildrenCount, "子女数量"),
    (Col::ChildrenBirthYears, "子女出生年份"),
    (Col::YearsAway, "外出务工年限"),
    (Col::AwaySince, "外出时间"),
    (Col::LastHomeVisit, "最近一次回家探望时间"),
    (Col::ReunionsPerYear, "每年团聚次数"),
    (Col::ReunionDays, "平均天数"),
    (Col::Income, "家庭经济来源"),
    (Col::Care, "照料情况"),
    (Col::Needs, "养老需求"),
    (Col::Difficulties, "存在困难问题"),
    (Col::SupporterName, "主要赡养人姓名"),
    (Col::SupporterRelation, "主要赡养人关系"),
    (Col::SupporterSex, "主要赡养人性别"),
    (Col::SupporterAddress, "主要赡养人联系地址"),
    (Col::SupporterPhone, "主要赡养人联系电话"),
    (Col::SupporterWhereabouts, "主要赡养人去向"),
    (Col::SupporterAway, "主要赡养人是否外出"),
    (Col::Categories, "人员类别"),
    (Col::FilingUnit, "填报单位"),
    (Col::Filler, "填表人"),
    (Col::Reviewer, "复核人"),
    (Col::UnitHead, "单位负责人"),
    (Col::SignOffDate, "填报日期"),
];

/// Headings offices really type, after normalising (spaces and bracketed notes removed), with the
/// column each means.
const VARIANTS: &[(&str, Col)] = &[
    ("村代码", Col::Unit),
    ("区划代码", Col::Unit),
    ("老人姓名", Col::Name),
    ("出生年月", Col::BirthDate),
    ("出生年月日", Col::BirthDate),
    ("身份证号", Col::IdNumber),
    ("公民身份号码", Col::IdNumber),
    ("身份证", Col::IdNumber),
    ("户籍类型", Col::Hukou),
    ("户口性质", Col::Hukou),
    ("户籍地", Col::HouseholdPlace),
    ("户籍地址", Col::HouseholdPlace),
    ("现住址", Col::Address),
    ("居住地址", Col::Address),
    ("现居住地", Col::Address),
    ("电话", Col::Phone),
    ("老人电话", Col::Phone),
    ("联系方式", Col::Phone),
    ("健康状况", Col::Health),
    ("残疾类别及等级", Col::DisabilityKind),
    ("疾病类型", Col::Illness),
    ("子女数", Col::ChildrenCount),
    ("子女个数", Col::ChildrenCount),
    ("子女出生日期", Col::ChildrenBirthYears),
    ("出生日期分别为", Col::ChildrenBirthYears),
    ("子女外出务工年限", Col::YearsAway),
    ("外出年限", Col::YearsAway),
    ("外出起始时间", Col::AwaySince),
    ("最近回家时间", Col::LastHomeVisit),
    ("最近一次回家时间", Col::LastHomeVisit),
    ("团聚次数", Col::ReunionsPerYear),
    ("平均团聚天数", Col::ReunionDays),
    ("家庭经济来源情况", Col::Income),
    ("家庭主要经济来源", Col::Income),
    ("经济来源", Col::Income),
    ("主要赡养人或扶养人姓名", Col::SupporterName),
    ("赡养人姓名", Col::SupporterName),
    ("主要赡养人或扶养人性别", Col::SupporterSex),
    ("主要赡养人或扶养人联系地址", Col::SupporterAddress),
    ("主要赡养人地址", Col::SupporterAddress),
    ("主要赡养人或扶养人联系电话", Col::SupporterPhone),
    ("主要赡养人电话", Col::SupporterPhone),
    ("赡养人联系电话", Col::SupporterPhone),
    ("赡养人电话", Col::SupporterPhone),
    ("与老人关系", Col::SupporterRelation),
    ("赡养人去向", Col::SupporterWhereabouts),
    ("主要赡养人去向地", Col::SupporterWhereabouts),
    ("类别", Col::Categories),
    ("老人类别", Col::Categories),
];

/// Normalises a heading: drops white space (full-width too), bracketed notes such as （手机） or
/// (年), a leading number and trailing colons.
pub fn normalise(heading: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in heading.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            c if c.is_whitespace() || c == '\u{3000}' => {}
            ':' | '：' if depth == 0 => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The column a heading names, if any.
pub fn column_of(heading: &str) -> Option<Col> {
    let h = normalise(heading);
    if h.is_empty() {
        return None;
    }
    COLUMNS
        .iter()
        .find(|(_, name)| normalise(name) == h)
        .map(|(c, _)| *c)
        .or_else(|| VARIANTS.iter().find(|(name, _)| *name == h).map(|(_, c)| *c))
}

/// The heading the export writes for a column.
pub fn heading(col: Col) -> &'static str {
    COLUMNS.iter().find(|(c, _)| *c == col).map(|(_, h)| *h).expect("every column has a heading")
}

/// The column a validation field path belongs to (e.g. `children[1].birth_year` → 子女出生年份).
pub fn column_of_field(field: &str) -> Option<Col> {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    Some(match (base, field) {
        ("unit", _) => Col::Unit,
        ("name", _) => Col::Name,
        ("sex", _) => Col::Sex,
        ("birth_date", _) => Col::BirthDate,
        ("ethnicity", _) => Col::Ethnicity,
        ("id_number", _) => Col::IdNumber,
        ("household_place", _) => Col::HouseholdPlace,
        ("hukou", _) => Col::Hukou,
        ("address", _) => Col::Address,
        ("phone", _) => Col::Phone,
        ("health", _) => Col::Health,
        ("disability", f) if f.ends_with("grade") => Col::DisabilityGrade,
        ("disability", _) => Col::DisabilityKind,
        ("illness", _) => Col::Illness,
        ("education", _) => Col::Education,
        ("spouse", _) => Col::Spouse,
        ("children", _) => Col::ChildrenBirthYears,
        ("migration", f) if f.ends_with("last_home_visit") => Col::LastHomeVisit,
        ("migration", f) if f.ends_with("reunions_per_year") => Col::ReunionsPerYear,
        ("migration", f) if f.ends_with("reunion_days") => Col::ReunionDays,
        ("migration", _) => Col::AwaySince,
        ("income_sources", _) => Col::Income,
        ("care", _) => Col::Care,
        ("needs", _) => Col::Needs,
        ("difficulties", _) => Col::Difficulties,
        ("supporters", f) if f.ends_with("phone") => Col::SupporterPhone,
        ("supporters", f) if f.ends_with("address") => Col::SupporterAddress,
        ("supporters", f) if f.ends_with("relation") => Col::SupporterRelation,
        ("supporters", f) if f.ends_with("whereabouts") => Col::SupporterWhereabouts,
        ("supporters", _) => Col::SupporterName,
        ("categories", _) => Col::Categories,
        ("sign_off", f) if f.ends_with("filing_unit") => Col::FilingUnit,
        ("sign_off", f) if f.ends_with("filler") => Col::Filler,
        ("sign_off", f) if f.ends_with("reviewer") => Col::Reviewer,
        ("sign_off", f) if f.ends_with("unit_head") => Col::UnitHead,
        ("sign_off", _) => Col::SignOffDate,
        _ => return None,
    })
}
