//! Validation of a knowledge base: every cross-reference resolves, every id is unique,
//! every rule the engine cites exists, ramps, budgets and strengths are in range.

use super::{Knowledge, SourceKind, ENGINE_RULES};
use crate::vocab::{ServingTime, Step};
use std::collections::HashSet;

impl Knowledge {
    /// A question topic's subjects, asks and points must name what exists.
    fn topic_problems(&self) -> Vec<String> {
        let citable: HashSet<&str> = self.citables().map(|(id, _, _)| id).collect();
        let mut problems = Vec::new();
        for topic in &self.ask_topics {
            let id = &topic.id;
            for point in topic
                .points
                .iter()
                .filter(|p| !citable.contains(p.as_str()))
            {
                problems.push(format!("topic {id} cites unknown entry {point}"));
            }
            for ask in topic
                .asks
                .iter()
                .filter(|a| !self.asks.iter().any(|c| &c.id == *a))
            {
                problems.push(format!("topic {id} answers unknown ask {ask}"));
            }
            if topic.about.is_empty() || topic.about.iter().any(|s| !s.contains(':')) {
                problems.push(format!("topic {id} names no kind:id subject"));
            }
        }
        problems
    }

    /// Every inconsistency between the files, one line each.
    pub(super) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for (id, _, source) in self.citables() {
            if !seen.insert(id) {
                problems.push(format!("id {id} is used twice"));
            }
            if self.source(source).is_none() {
                problems.push(format!("{id} cites unknown source {source}"));
            }
        }
        problems.extend(self.label_problems());
        problems.extend(self.topic_problems());
        for active in &self.actives {
            for family in &active.instead_of {
                if self.family(family).is_none() {
                    problems.push(format!(
                        "active {} is instead of unknown family {family}",
                        active.id
                    ));
                }
            }
        }
        // Every source can be checked by anyone and says what it is.
        for source in &self.sources {
            let id = &source.id;
            let checkable = source.url.is_some() || source.doi.is_some();
            match source.kind {
                None => problems.push(format!("source {id} has no kind")),
                Some(SourceKind::Policy) if source.rationale.is_none() => {
                    problems.push(format!("policy {id} gives no rationale"))
                }
                Some(SourceKind::Policy) => {}
                Some(SourceKind::Seed) if source.path.is_none() => {
                    problems.push(format!("source {id} (the seed) has no path"))
                }
                Some(SourceKind::Seed) => {}
                Some(_) if !checkable => {
                    problems.push(format!("source {id} has neither url nor doi"))
                }
                Some(_) => {}
            }
        }
        let cited = |id: &str| seen.contains(id);
        for flag in &self.ingredients.flag {
            if let Some(rule) = flag.rule.as_deref().filter(|r| !cited(r)) {
                problems.push(format!("flag {} cites unknown rule {rule}", flag.code));
            }
        }
        fn unique(problems: &mut Vec<String>, kind: &str, ids: Vec<&str>) {
            let mut kind_seen = HashSet::new();
            for id in ids {
                if !kind_seen.insert(id.to_string()) {
                    problems.push(format!("{kind} {id} is defined twice"));
                }
            }
        }
        unique(
            &mut problems,
            "source",
            self.sources.iter().map(|s| &*s.id).collect(),
        );
        unique(
            &mut problems,
            "mask type",
            self.mask_types.iter().map(|m| &*m.id).collect(),
        );
        unique(
            &mut problems,
            "family",
            self.families.iter().map(|f| &*f.id).collect(),
        );
        unique(
            &mut problems,
            "active",
            self.actives.iter().map(|a| &*a.id).collect(),
        );
        for id in ENGINE_RULES {
            if !cited(id) {
                problems.push(format!("the engine needs rule {id}, which is missing"));
            }
        }
        for step in Step::ALL {
            let count = self.steps.iter().filter(|s| s.id == *step).count();
            if count != 1 {
                problems.push(format!("step {step} is listed {count} times, not once"));
            }
        }
        for budget in &self.mask_budgets {
            if budget.per_week == 0 || budget.per_week > self.limits.masks_per_week_max {
                problems.push(format!(
                    "mask budget {} allows {} a week, outside 1..={}",
                    budget.id, budget.per_week, self.limits.masks_per_week_max
                ));
            }
        }
        if !self.mask_budgets.iter().any(|b| b.when.is_always()) {
            problems.push("no mask budget applies to everybody (add one with `when = {}`)".into());
        }
        if !self.referrals.iter().any(|r| r.when.is_always()) {
            problems.push("no dermatologist referral applies to everybody".into());
        }
        let tags: HashSet<&str> = self
            .mask_types
            .iter()
            .flat_map(|m| m.tags.iter().map(|t| &**t))
            .collect();
        for mask in &self.mask_types {
            if let Some(fact) = &mask.fact {
                if !cited(fact) {
                    problems.push(format!("mask type {} names unknown fact {fact}", mask.id));
                }
            }
            if mask.max_per_week == 0 || mask.minutes == 0 {
                problems.push(format!(
                    "mask type {} needs minutes and a weekly limit",
                    mask.id
                ));
            }
        }
        for active in &self.actives {
            let id = &active.id;
            let rules = [
                Some(&active.time_rule),
                active.fact.as_ref(),
                active.strength_rule.as_ref(),
            ];
            for rule in rules.into_iter().flatten().chain(&active.cites) {
                if !cited(rule) {
                    problems.push(format!("active {id} names unknown rule or fact {rule}"));
                }
            }
            for ingredient in &active.ingredients {
                if !self
                    .ingredients
                    .active
                    .iter()
                    .any(|i| i.inci.eq_ignore_ascii_case(ingredient) && i.family == active.family)
                {
                    problems.push(format!(
                        "active {id} stands for {ingredient}, which ingredients.toml does not list in family {}",
                        active.family
                    ));
                }
            }
        }
        for family in &self.families {
            let id = &family.id;
            let rules = [
                family.time_rule.as_ref(),
                family.nights_rule.as_ref(),
                family.strength.as_ref().map(|s| &s.rule),
                family.caution_rule.as_ref(),
                family.results_rule.as_ref(),
                family.breastfeeding_rule.as_ref(),
                family.sun_rule.as_ref(),
            ];
            for rule in rules.into_iter().flatten() {
                if !cited(rule) {
                    problems.push(format!("family {id} names unknown rule {rule}"));
                }
            }
            if let Some(prescribed) = &family.prescribed {
                if !cited(&prescribed.rule) {
                    problems.push(format!(
                        "family {id} names unknown rule {}",
                        prescribed.rule
                    ));
                }
                if prescribed.as_directed == prescribed.time.is_some() {
                    problems.push(format!(
                        "family {id}: prescribed needs either a time or as_directed"
                    ));
                }
            }
            if family.time != ServingTime::AmPm && family.time_rule.is_none() {
                problems.push(format!("family {id} has a time but no time_rule"));
            }
            for alternative in &family.pregnancy_alternatives {
                match self.active(alternative) {
                    None => problems.push(format!("family {id} names unknown alternative {alternative}")),
                    Some(alt) if !alt.rules.pregnancy_safe => problems.push(format!(
                        "family {id} names {alternative} as a pregnancy alternative, but it is not pregnancy-safe"
                    )),
                    Some(_) => {}
                }
            }
            if !family.pregnancy_safe && family.pregnancy_alternatives.is_empty() {
                problems.push(format!(
                    "family {id} is unsafe in pregnancy but names no alternative"
                ));
            }
            let limited = !family.pregnancy_safe || family.pregnancy_rinse_off_only;
            match &family.pregnancy_rule {
                None if limited => problems.push(format!(
                    "family {id} is unsafe in pregnancy but names no pregnancy_rule"
                )),
                Some(rule) if !cited(rule) => {
                    problems.push(format!("family {id} names unknown rule {rule}"))
                }
                _ => {}
            }
            for ramp in [&family.nights, &family.nights_sensitive] {
                if ramp.iter().any(|s| s.per_week == 0 || s.per_week > 7) {
                    problems.push(format!("family {id} has a ramp step outside 1..=7 nights"));
                }
                if !ramp.is_empty() && family.nights_rule.is_none() {
                    problems.push(format!("family {id} has a ramp but no nights_rule"));
                }
                if ramp.is_empty() {
                    continue;
                }
                let (last, rest) = ramp.split_last().unwrap_or((&ramp[0], &[]));
                if last.weeks.is_some() || rest.iter().any(|s| s.weeks.is_none_or(|w| w == 0)) {
                    problems.push(format!("family {id}: every ramp step but the last needs weeks >= 1, and the last none"));
                }
            }
            if !family.nights.is_empty() && family.time != ServingTime::Pm {
                problems.push(format!(
                    "family {id} has a nights ramp but is not evening-only"
                ));
            }
            if let Some(strength) = &family.strength {
                let limits = [
                    strength.leave_on_max,
                    strength.rinse_off_max,
                    strength.slow_above,
                ];
                if limits.iter().flatten().any(|p| !(*p > 0.0 && *p <= 100.0)) {
                    problems.push(format!(
                        "family {id}: strengths are percentages in (0, 100]"
                    ));
                }
                if strength.slow_above.is_some() && family.nights_sensitive.is_empty() {
                    problems.push(format!(
                        "family {id} slows down above a strength but has no nights_sensitive ramp"
                    ));
                }
            }
        }
        for tag in self
            .limits
            .event_mask_tags
            .iter()
            .chain(&self.limits.sensitive_mask_tags)
        {
            if !tags.contains(&**tag) {
                problems.push(format!(
                    "limits name mask tag {tag}, which no mask type has"
                ));
            }
        }
        for id in self
            .limits
            .default_actives
            .iter()
            .chain(&self.limits.filler_actives)
        {
            if self.active(id).is_none() {
                problems.push(format!("limits name unknown active {id}"));
            }
        }
        for family in &self.limits.event_eve_families {
            if self.family(family).is_none() {
                problems.push(format!(
                    "limits.event_eve_families names unknown family {family}"
                ));
            }
        }
        for tag in &self.limits.event_eve_mask_tags {
            if !tags.contains(&**tag) {
                problems.push(format!(
                    "limits name mask tag {tag}, which no mask type has"
                ));
            }
        }
        if self.limits.masks_per_week_with_serums == 0
            || self.limits.masks_per_week_with_serums > self.limits.masks_per_week_max
        {
            problems
                .push("limits.masks_per_week_with_serums is outside 1..=masks_per_week_max".into());
        }
        if self.limits.strong_nights_in_a_row_max == 0 {
            problems.push("limits.strong_nights_in_a_row_max must be at least 1".into());
        }
        for interaction in &self.interactions {
            for selector in [&interaction.a, &interaction.b] {
                for family in &selector.families {
                    if self.family(family).is_none() {
                        problems.push(format!(
                            "interaction {} names unknown family {family}",
                            interaction.id
                        ));
                    }
                }
                for tag in &selector.mask_tags {
                    if !tags.contains(&**tag) {
                        problems.push(format!(
                            "interaction {} names mask tag {tag}, which no mask type has",
                            interaction.id
                        ));
                    }
                }
                for inci in selector.ingredients.iter().chain(&selector.except) {
                    if !self
                        .ingredients
                        .active
                        .iter()
                        .any(|i| i.inci.eq_ignore_ascii_case(inci))
                    {
                        problems.push(format!(
                            "interaction {} names {inci}, which ingredients.toml does not list",
                            interaction.id
                        ));
                    }
                }
            }
        }
        for tag in &self.limits.strong_mask_tags {
            if !tags.contains(&**tag) {
                problems.push(format!(
                    "limits name mask tag {tag}, which no mask type has"
                ));
            }
        }
        problems.extend(self.gate_problems(&cited));
        for person in &self.person {
            if !cited(&person.rule) {
                problems.push(format!("person rule cites unknown rule {}", person.rule));
            }
        }
        let families = |kind: &str, family: &str, problems: &mut Vec<String>| {
            if self.family(family).is_none() {
                problems.push(format!("{kind} names unknown family {family}"));
            }
        };
        for active in &self.ingredients.active {
            families(
                &format!("ingredient {}", active.id),
                &active.family,
                &mut problems,
            );
        }
        for rule in &self.ingredients.family_rule {
            families("a family rule", &rule.family, &mut problems);
        }
        for flag in &self.ingredients.flag {
            for family in &flag.families {
                families(&format!("flag {}", flag.code), family, &mut problems);
            }
        }
        unique(
            &mut problems,
            "ingredient",
            self.ingredients.active.iter().map(|a| &*a.id).collect(),
        );
        unique(
            &mut problems,
            "flag",
            self.ingredients.flag.iter().map(|f| &*f.code).collect(),
        );
        for rule in &self.kinds.kind {
            if crate::vocab::ProductKind::from_id(&rule.id).is_none() {
                problems.push(format!("kinds.toml names unknown product kind {}", rule.id));
            }
        }
        for rule in &self.kinds.mask_type {
            if self.mask_type(&rule.id).is_none() {
                problems.push(format!("kinds.toml names unknown mask type {}", rule.id));
            }
        }
        // A name's words hold no space: a word beginning, ending or piece that is empty or
        // holds one could match every word or none.
        for rule in self.kinds.kind.iter().chain(&self.kinds.mask_type) {
            let parts = rule
                .prefixes
                .iter()
                .chain(&rule.suffixes)
                .chain(&rule.contains);
            for part in parts.filter(|p| p.trim().is_empty() || p.contains(' ')) {
                problems.push(format!(
                    "kinds.toml rule {}: {part:?} is no part of one word (empty, or with a space)",
                    rule.id
                ));
            }
        }
        let classes: HashSet<&str> = self
            .ingredients
            .active
            .iter()
            .filter_map(|a| a.class.as_deref())
            .chain(
                self.ingredients
                    .family_rule
                    .iter()
                    .filter_map(|r| r.class.as_deref()),
            )
            .collect();
        for group in &self.ingredients.group {
            if group.words.is_empty() {
                problems.push(format!("group {} has no words", group.id));
            }
            for family in &group.families {
                families(&format!("group {}", group.id), family, &mut problems);
            }
            for class in &group.classes {
                if !classes.contains(class.as_str()) {
                    problems.push(format!("group {} names unknown class {class}", group.id));
                }
            }
        }
        for flag in &self.ingredients.flag {
            for class in &flag.classes {
                if !classes.contains(class.as_str()) {
                    problems.push(format!("flag {} names unknown class {class}", flag.code));
                }
            }
        }
        unique(
            &mut problems,
            "group",
            self.ingredients.group.iter().map(|g| &*g.id).collect(),
        );
        if self.families.len() > 64 || tags.len() > 64 {
            problems.push("at most 64 families and 64 mask tags are supported".into());
        }
        if self.ingredients.group.len() > 64 || self.ingredients.flag.len() > 64 {
            problems.push("at most 64 flags and 64 groups are supported".into());
        }
        // What the planner refuses in pregnancy, the analyzer flags for a pregnant person.
        for family in self.families.iter().filter(|f| !f.pregnancy_safe) {
            let flagged = self.ingredients.flag.iter().any(|flag| {
                flag.families.contains(&family.id)
                    && flag
                        .when
                        .as_ref()
                        .is_some_and(|when| when.pregnant == Some(true))
            });
            if !flagged {
                problems.push(format!(
                    "family {} is unsafe in pregnancy but no flag with when = {{ pregnant = true }} names it",
                    family.id
                ));
            }
        }
        for code in &self.ingredients.one_percent_line.flags {
            if !self.ingredients.flag.iter().any(|f| &f.code == code) {
                problems.push(format!("one_percent_line names unknown flag {code}"));
            }
        }
        for kind in crate::vocab::ProductKind::ALL {
            let count = self.kinds.uses.iter().filter(|u| u.kind == *kind).count();
            if count != 1 {
                problems.push(format!(
                    "kinds.toml gives the uses of {kind} {count} times, not once"
                ));
            }
        }
        for mask in &self.mask_types {
            if !self.kinds.mask_type.iter().any(|r| r.id == mask.id) {
                problems.push(format!("kinds.toml has no words for mask type {}", mask.id));
            }
        }
        problems
    }
}

impl Knowledge {
    /// Every code people can see has its label in labels.toml, and every label belongs
    /// to a code that exists.
    fn label_problems(&self) -> Vec<String> {
        use crate::vocab::{Concern, ProductKind, WarningCode};
        let labels = &self.labels;
        let mut problems = Vec::new();
        let mut check = |table: &str, known: &[&str], labelled: Vec<&String>| {
            for code in known {
                if !labelled.iter().any(|l| l == code) {
                    problems.push(format!("labels.toml: [{table}] has no label for {code}"));
                }
            }
            for label in labelled {
                if !known.contains(&label.as_str()) {
                    problems.push(format!(
                        "labels.toml: [{table}] labels {label}, which is no code"
                    ));
                }
            }
        };
        let warnings: Vec<&str> = WarningCode::ALL.iter().map(|c| c.id()).collect();
        check("warning", &warnings, labels.warning.keys().collect());
        let mut flags: Vec<&str> = self
            .ingredients
            .flag
            .iter()
            .map(|f| f.code.as_str())
            .collect();
        flags.push("avoid");
        check("flag", &flags, labels.flag.keys().collect());
        let concerns: Vec<&str> = Concern::ALL.iter().map(|c| c.id()).collect();
        check("concern", &concerns, labels.concern.keys().collect());
        let kinds: Vec<&str> = ProductKind::ALL.iter().map(|k| k.id()).collect();
        check("kind", &kinds, labels.kind.keys().collect());
        problems
    }
}

impl Knowledge {
    /// What in gate.toml names something the knowledge base lacks.
    fn gate_problems(&self, cited: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut problems = Vec::new();
        let flag_known = |code: &str| self.ingredients.flag.iter().any(|f| f.code == code);
        for rule in &self.gate {
            let id = &rule.id;
            if !cited(id) {
                problems.push(format!("gate rule {id} names no rule of rules.toml"));
            }
            for flag in rule.first_flag.iter().chain(&rule.flag) {
                if !flag_known(flag) {
                    problems.push(format!("gate rule {id} names unknown flag {flag}"));
                }
            }
            for family in &rule.families {
                if self.family(family).is_none() {
                    problems.push(format!("gate rule {id} names unknown family {family}"));
                }
            }
            for tag in &rule.mask_tags {
                if !self.mask_types.iter().any(|m| m.has_tag(tag)) {
                    problems.push(format!("gate rule {id} names unknown mask tag {tag}"));
                }
            }
            let judges = rule.first_flag.is_some()
                || rule.flag.is_some()
                || !rule.families.is_empty()
                || !rule.mask_tags.is_empty()
                || rule.prescription.is_some();
            if !judges {
                problems.push(format!(
                    "gate rule {id} looks at nothing in a product (give a flag, families, mask tags or prescription)"
                ));
            }
        }
        problems
    }
}
