//! The closed choices of the registration form (the boxes ticked with “√”), each with its English code
//! (used in JSON, the CLI and the database) and the term printed on the form.

/// Declares a choice enum with `ALL`, `code()`, `zh()` and `parse()` (accepting either spelling).
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal / $zh:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code, alias = $zh)] $variant),+ }

        impl $name {
            /// Every choice, in the form's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable English code used in JSON, the CLI and the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese term printed on the form.
            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Parses the English code or the Chinese term.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|c| c.code() == s || c.zh() == s)
            }

            /// The codes, for error messages that list what is allowed.
            pub fn codes() -> String {
                Self::ALL.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use choice;

choice! {
    /// 户籍性质: only rural-registered elders (农村户籍) can be left-behind elders.
    Hukou {
        /// 农村户籍
        Rural = "rural" / "农村户籍",
        /// 城镇户籍
        Urban = "urban" / "城镇户籍",
    }
}

choice! {
    /// 身体情况.
    Health {
        /// 健康
        Healthy = "healthy" / "健康",
        /// 残疾: the disability category and grade are filled in.
        Disabled = "disabled" / "残疾",
        /// 患病: a serious illness (重特大疾病); the illness type is filled in.
        Ill = "ill" / "患病",
    }
}

choice! {
    /// 文化程度. Guangdong prints the last box as 高中或中专.
    Education {
        /// 文盲
        Illiterate = "illiterate" / "文盲",
        /// 小学
        Primary = "primary" / "小学",
        /// 初中
        Junior = "junior" / "初中",
        /// 高中及以上 (LN) / 高中或中专 (GD)
        SeniorOrAbove = "senior_or_above" / "高中及以上",
    }
}

choice! {
    /// 夫妻情况.
    Spouse {
        /// 双方健在
        BothLiving = "both_living" / "双方健在",
        /// 一方健在
        OneLiving = "one_living" / "一方健在",
    }
}

choice! {
    /// 家庭经济来源 (multi-select).
    IncomeSource {
        /// 打工 (GD: 子女打工收入)
        MigrantWork = "migrant_work" / "打工",
        /// 种养殖业
        Farming = "farming" / "种养殖业",
        /// 政府救助
        GovernmentAid = "government_aid" / "政府救助",
        /// 亲朋救济 (Liaoning only)
        Relatives = "relatives" / "亲朋救济",
        /// 其他
        Other = "other" / "其他",
    }
}

choice! {
    /// 照料情况.
    Care {
        /// 有人照料
        CaredFor = "cared_for" / "有人照料",
        /// 无人照料
        NotCaredFor = "not_cared_for" / "无人照料",
    }
}

choice! {
    /// The groups every list and report filters on. 高龄 is also derived from the birth date (80 or older).
    Category {
        /// 高龄
        AdvancedAge = "advanced_age" / "高龄",
        /// 失能/半失能
        Disabled = "disabled" / "失能",
        /// 独居
        LivingAlone = "living_alone" / "独居",
        /// 空巢
        EmptyNest = "empty_nest" / "空巢",
        /// 经济困难
        Hardship = "hardship" / "经济困难",
        /// 特困 (散居特困供养人员)
        Destitute = "destitute" / "特困",
        /// 一二级重度残疾
        SevereDisability = "severe_disability" / "重度残疾",
        /// 计划生育特殊家庭
        BereavedOneChild = "bereaved_one_child" / "计生特殊家庭",
    }
}

choice! {
    /// Whether the elder is still served. Archived elders are never deleted.
    Status {
        /// 在册
        Active = "active" / "在册",
        /// 迁出
        MovedAway = "moved_away" / "迁出",
        /// 死亡
        Deceased = "deceased" / "死亡",
    }
}

choice! {
    /// 残疾类别 (第二次全国残疾人抽样调查的七类).
    DisabilityKind {
        /// 视力残疾
        Visual = "visual" / "视力残疾",
        /// 听力残疾
        Hearing = "hearing" / "听力残疾",
        /// 言语残疾
        Speech = "speech" / "言语残疾",
        /// 肢体残疾
        Physical = "physical" / "肢体残疾",
        /// 智力残疾
        Intellectual = "intellectual" / "智力残疾",
        /// 精神残疾
        Mental = "mental" / "精神残疾",
        /// 多重残疾
        Multiple = "multiple" / "多重残疾",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_back_from_either_spelling() {
        assert_eq!(Health::parse("残疾"), Some(Health::Disabled));
        assert_eq!(Health::parse("disabled"), Some(Health::Disabled));
        assert_eq!(Health::parse("sick"), None);
        let json: IncomeSource = serde_json::from_str("\"种养殖业\"").unwrap();
        assert_eq!(json, IncomeSource::Farming);
        assert_eq!(serde_json::to_string(&Status::MovedAway).unwrap(), "\"moved_away\"");
    }
}
