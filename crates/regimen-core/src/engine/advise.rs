//! Advice and assembly: the safety notes and expectations that hold for the whole plan
//! (for the planner's serums and for the person's products it uses, by what they
//! contain), and the plan itself, built from the choices and the paced days.

use super::choices::{Choices, MaskPicks, Owned, SerumPick};
use super::context::{and_list, rule, Planning};
use super::pace::Paced;
use super::safety::{kept_apart, OnSkin};
use crate::experiment::Experiment;
use crate::knowledge::{Active, Knowledge, Severity};
use crate::plan::{Day, MaskChoice, Plan, Reason, SerumChoice, StepEntry, Warnings, DISCLAIMER};
use crate::profile::IsoDate;
use crate::shelf::ShelfProduct;
use crate::vocab::{Routine, ServingTime, Step, WarningCode};
use std::borrow::Cow;

/// Builds the plan from its choices and paced days, with the advice that holds for it.
pub(super) fn assemble<'k>(
    planning: &Planning<'_, 'k>,
    choices: Choices<'k>,
    paced: Paced<'k>,
    mut warnings: Warnings<'k>,
) -> Plan<'k> {
    let (knowledge, profile, options) = (planning.knowledge, planning.profile, planning.options);
    let shelf = planning.shelf();
    verify_event_masks(
        knowledge,
        &paced.days,
        &planning.events,
        &choices.masks,
        &mut warnings,
    );
    if let (Some(seed), Some(design)) = (options.experiment(), &paced.design) {
        let citation = rule(knowledge, "experiment");
        let text = format!(
            "{} The seed is {seed}: the same seed draws the same evenings.",
            citation.text
        );
        warnings.add(WarningCode::Experiment, citation, Cow::Owned(text), None);
        // Said up front: a mask budget that cannot reach a verdict in the plan's length.
        let drawn = design.draw(seed).len();
        if drawn < crate::experiment::MIN_MORNINGS {
            let citation = rule(knowledge, "experiment_too_few_masks");
            let text = format!(
                "{} This plan draws {drawn}; a comparison needs {}.",
                citation.text,
                crate::experiment::MIN_MORNINGS
            );
            warnings.add(WarningCode::Experiment, citation, Cow::Owned(text), None);
        }
    }
    say_heard(planning, &paced.days, &mut warnings);
    let in_plan = in_plan(planning, &choices, &paced);
    let advised: Vec<SerumPick<'_>> = choices
        .serums
        .iter()
        .zip(&in_plan)
        .filter(|(_, held)| **held)
        .map(|(pick, _)| pick.clone())
        .collect();
    let used = used_products(shelf, &paced.days);
    advise(
        planning,
        &advised,
        &paced.days,
        Used {
            shelf,
            indexes: &used,
        },
        &mut warnings,
    );
    let serums = serum_choices(planning, &choices, &paced, &in_plan);
    let report =
        (!shelf.is_empty()).then(|| super::report::shelf_report(planning, &choices, &paced));
    let experiment = paced
        .design
        .as_ref()
        .zip(options.experiment())
        .map(|(design, seed)| {
            // The serum period starts with the first serum in a routine.
            let serum_start = paced
                .days
                .iter()
                .find(|day| day.steps().any(|s| s.step == Step::Serum))
                .map(|day| day.date.0);
            Experiment::of(
                design,
                seed,
                options.start(),
                profile.concerns.first().copied(),
                serum_start,
            )
        });
    Plan {
        approach: choices.approach,
        reasons: choices.reasons,
        masks: choices
            .masks
            .picks
            .iter()
            .map(|pick| MaskChoice {
                mask_type: &pick.mask.id,
                per_week: pick.per_week,
                minutes: pick.mask.minutes,
                for_events: pick.for_events,
                reasons: pick.reasons.clone(),
            })
            .collect(),
        serums,
        shelf: report,
        experiment,
        days: paced.days,
        warnings: warnings.into_vec(),
        start: IsoDate(options.start()),
        weeks: options.weeks(),
        disclaimer: DISCLAIMER,
    }
}

/// The serums the plan holds: those some day took, and those whose patch-test turn
/// comes after it. One no day took, though its turn came (no routine had time for it,
/// which the notes say), is not the plan's: it gets no advice and is not listed.
fn in_plan(planning: &Planning<'_, '_>, choices: &Choices<'_>, paced: &Paced<'_>) -> Vec<bool> {
    let shelf = planning.shelf();
    choices
        .serums
        .iter()
        .zip(&choices.assignment.serums)
        .map(|(pick, carrier)| {
            paced.late.contains(&pick.active.family.as_str())
                || paced
                    .days
                    .iter()
                    .flat_map(Day::steps)
                    .any(|s| brings(s, shelf, pick.active, *carrier))
        })
        .collect()
}

/// The plan's serums, as its days have them: the routines each goes in, its first day,
/// its nights a week and its reasons.
fn serum_choices<'k>(
    planning: &Planning<'_, 'k>,
    choices: &Choices<'k>,
    paced: &Paced<'k>,
    in_plan: &[bool],
) -> Vec<SerumChoice<'k>> {
    let (shelf, days) = (planning.shelf(), &paced.days);
    choices
        .serums
        .iter()
        .zip(paced.nights_placed.iter().cloned())
        .zip(&choices.assignment.serums)
        .zip(in_plan)
        .filter(|(_, held)| **held)
        .map(|(((pick, nights), carrier), _)| {
            let first = paced
                .starts
                .iter()
                .find(|(family, _)| *family == pick.active.family)
                .map_or(0, |(_, day)| *day);
            // "You own ..." holds only if that product did go on for this serum.
            let placed = days
                .iter()
                .flat_map(Day::steps)
                .any(|s| s.active == Some(pick.active.id.as_str()) && s.product.is_some());
            let reasons: Vec<Reason<'k>> = pick
                .reasons
                .iter()
                .filter(|r| placed || r.rule != "shelf_first")
                .cloned()
                .collect();
            // The routines it goes in, as the days have it (a strong active may keep to
            // the evenings beside a morning one); its time when it waits for the next plan.
            let goes_on = |routine: Routine| {
                days.iter().any(|day| {
                    let steps = match routine {
                        Routine::Am => &day.am,
                        Routine::Pm => &day.pm,
                    };
                    steps
                        .iter()
                        .any(|s| brings(s, shelf, pick.active, *carrier))
                })
            };
            let time = match (goes_on(Routine::Am), goes_on(Routine::Pm)) {
                (true, true) => ServingTime::AmPm,
                (true, false) => ServingTime::Am,
                (false, true) => ServingTime::Pm,
                (false, false) => pick.time,
            };
            SerumChoice {
                active: &pick.active.id,
                time,
                nights_per_week: nights,
                starts: IsoDate(planning.date_of(first)),
                reasons,
            }
        })
        .collect()
}

/// The shelf products that appear in some routine of the plan.
fn used_products(shelf: &[ShelfProduct], days: &[Day<'_>]) -> Vec<usize> {
    let mut used: Vec<usize> = Vec::new();
    for step in days.iter().flat_map(Day::steps) {
        if let Some(index) = step
            .product
            .as_deref()
            .and_then(|name| shelf.iter().position(|p| p.name == name))
        {
            if !used.contains(&index) {
                used.push(index);
            }
        }
    }
    used.sort_unstable();
    used
}

/// The person's products that the plan uses.
#[derive(Clone, Copy)]
struct Used<'a> {
    shelf: &'a [ShelfProduct],
    indexes: &'a [usize],
}

impl<'a> Used<'a> {
    fn products(&self) -> impl Iterator<Item = &'a ShelfProduct> + '_ {
        self.indexes.iter().map(|&i| &self.shelf[i])
    }

    /// The products used, with their place on the shelf.
    fn indexed(&self) -> impl Iterator<Item = (usize, &'a ShelfProduct)> + '_ {
        self.indexes.iter().map(|&i| (i, &self.shelf[i]))
    }
}

fn verify_event_masks<'k>(
    knowledge: &'k Knowledge,
    days: &[Day<'k>],
    events: &[usize],
    masks: &MaskPicks<'k>,
    warnings: &mut Warnings<'k>,
) {
    let tags = &knowledge.limits.event_mask_tags;
    let is_event_mask = |step: &StepEntry<'_>| {
        step.mask_type
            .and_then(|id| knowledge.mask_type(id))
            .is_some_and(|m| tags.iter().any(|t| m.has_tag(t)))
    };
    let before = usize::from(knowledge.limits.event_mask_days_before);
    for &event in events {
        let found = (1..=before)
            .filter_map(|back| event.checked_sub(back))
            .any(|day| days[day].pm.iter().any(is_event_mask));
        if !found {
            let why = if masks.picks.iter().any(|p| p.for_events) {
                "there was no room for it within your mask limits or time budget"
            } else {
                "no suitable mask type is in this plan"
            };
            let text = format!(
                "No glow mask before your event: {why}. A hydrating mask the evening before helps."
            );
            warnings.add(
                WarningCode::EventMaskMissing,
                rule(knowledge, "event_mask"),
                Cow::Owned(text),
                Some(days[event].date),
            );
        }
    }
}

/// Safety notes and expectations that hold for the whole plan: for the planner's
/// serums and for the person's products it uses, by what they contain.
fn advise<'k>(
    planning: &Planning<'_, 'k>,
    serums: &[SerumPick<'k>],
    days: &[Day<'_>],
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let knowledge = planning.knowledge;
    // A serum the person's own product carries is advised about under the product's name.
    let carried_by_product: Vec<bool> = serums
        .iter()
        .map(|pick| {
            days.iter()
                .flat_map(Day::steps)
                .any(|s| s.active == Some(pick.active.id.as_str()) && s.product.is_some())
        })
        .collect();
    if planning.profile.pregnant {
        say_pregnancy(knowledge, warnings);
    }
    // What goes on the skin at a treatment level: the planner's serums and the families
    // of the products used.
    let mut carried: Vec<(String, &str)> = serums
        .iter()
        .zip(&carried_by_product)
        .filter(|(_, by_product)| !**by_product)
        .map(|(p, _)| (p.active.name.clone(), p.active.family.as_str()))
        .collect();
    for product in used.products() {
        for family in &product.families {
            let name = knowledge
                .family(family)
                .map_or(family.replace('_', " "), crate::knowledge::Family::label);
            carried.push((format!("{} ({name})", product.name), family.as_str()));
        }
    }
    say_prescriptions(planning, days, used, warnings);
    say_sun(knowledge, &carried, used, warnings);
    say_patch_test(
        planning,
        serums,
        (&carried_by_product, days),
        used,
        warnings,
    );
    say_products(planning, serums, used, warnings);
    if planning.profile.sensitive {
        warnings.cite(WarningCode::Sensitive, knowledge, "sensitive_fewer_actives");
    }
    let families: Vec<&str> = carried.iter().map(|(_, f)| *f).collect();
    // Every active that goes on, by family and INCI name, for the interactions' notes.
    let mut on_skin: Vec<(&str, &str)> = Vec::new();
    for (pick, _) in serums
        .iter()
        .zip(&carried_by_product)
        .filter(|(_, by_product)| !**by_product)
    {
        on_skin.extend(OnSkin::active(pick.active).actives);
    }
    for product in used.products() {
        on_skin.extend(OnSkin::product(product).actives);
    }
    for interaction in &knowledge.interactions {
        let both = interaction.a.selects(&on_skin, &[]) && interaction.b.selects(&on_skin, &[]);
        if both {
            let code = match interaction.severity {
                Severity::Info => WarningCode::InteractionNote,
                Severity::Separate => WarningCode::KeptApart,
            };
            warnings.cite(code, knowledge, &interaction.id);
        }
    }
    say_avoided(planning, warnings);
    if !serums.is_empty() || used.products().any(|p| !p.families.is_empty()) {
        warnings.cite(WarningCode::Expectations, knowledge, "expectations_serums");
    }
    // How long each family takes, where it is slower than the general 2-6 weeks.
    let mut results_cited: Vec<&str> = Vec::new();
    for family in families.iter().filter_map(|f| knowledge.family(f)) {
        if let Some(results) = family.results_rule.as_deref() {
            if !results_cited.contains(&results) {
                results_cited.push(results);
                warnings.cite(WarningCode::Expectations, knowledge, results);
            }
        }
    }
    warnings.cite(WarningCode::Reaction, knowledge, "reaction");
    warnings.cite(WarningCode::Reaction, knowledge, "reaction_urgent");
    for person in knowledge.person_rules(&planning.situation) {
        warnings.cite(WarningCode::Person, knowledge, &person.rule);
    }
    for referral in &knowledge.referrals {
        if referral.when.matches(&planning.situation) {
            warnings.cite(WarningCode::SeeDermatologist, knowledge, &referral.id);
        }
    }
}

/// What pregnancy leaves out, and the safer alternatives.
fn say_pregnancy<'k>(knowledge: &'k Knowledge, warnings: &mut Warnings<'k>) {
    let unsafe_families: Vec<String> = knowledge
        .families
        .iter()
        .filter(|f| !f.pregnancy_safe)
        .map(|f| f.name.to_lowercase())
        .collect();
    let removed: Vec<&str> = knowledge
        .actives
        .iter()
        .filter(|a| !a.rules.pregnancy_safe)
        .map(|a| a.name.as_str())
        .collect();
    let mut alternatives: Vec<&str> = Vec::new();
    for family in knowledge.families.iter().filter(|f| !f.pregnancy_safe) {
        for alt in &family.pregnancy_alternatives {
            if let Some(alt) = knowledge.active(alt) {
                if !alternatives.contains(&alt.name.as_str()) {
                    alternatives.push(&alt.name);
                }
            }
        }
    }
    let text = format!(
        "While pregnant or breastfeeding, no {}: this plan leaves out {}, and any product of yours that contains them, even in traces (retinal, retinyl esters, tretinoin and adapalene are retinoids too). Safer alternatives: {}.",
        crate::explain::join_or(&unsafe_families),
        removed.join(", "),
        alternatives.join(", ")
    );
    warnings.add(
        WarningCode::Pregnancy,
        rule(knowledge, "pregnancy_no_retinoids"),
        Cow::Owned(text),
        None,
    );
}

/// What makes the skin sun-sensitive, grouped by the rule (and source) that says so; and
/// a product of the person's whose SPF is too low.
fn say_sun<'k>(
    knowledge: &'k Knowledge,
    carried: &[(String, &str)],
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let mut sun: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, family) in carried {
        let Some(family) = knowledge.family(family).filter(|f| f.photosensitising) else {
            continue;
        };
        let rule_id = family
            .sun_rule
            .as_deref()
            .unwrap_or("sunscreen_photosensitising");
        match sun.iter_mut().find(|(r, _)| *r == rule_id) {
            Some((_, names)) => names.push(name),
            None => sun.push((rule_id, vec![name])),
        }
    }
    if sun.is_empty() {
        warnings.cite(WarningCode::Sunscreen, knowledge, "sunscreen_daily");
    }
    for (rule_id, names) in sun {
        if let Some(citation) = knowledge.cite(rule_id) {
            let text = format!("{}: {}", names.join(", "), citation.text);
            warnings.add(WarningCode::Sunscreen, citation, Cow::Owned(text), None);
        }
    }
    for product in used.products() {
        if let Some(spf) = product.spf.filter(|spf| *spf < 30) {
            let citation = rule(knowledge, "spf_minimum");
            let text = format!(
                "{} has SPF {spf}: use it, and get a broad-spectrum sunscreen of SPF 30 or more for every morning. {}",
                product.name, citation.text
            );
            warnings.add(WarningCode::SpfLow, citation, Cow::Owned(text), None);
        }
    }
}

/// Every new active to patch-test, said once: the planner's serums, its strong masks
/// (rule strong_masks), then the person's products that carry one. A wash rinsed off
/// within a minute is no peel, and a prescription was chosen by its prescriber.
fn say_patch_test<'k>(
    planning: &Planning<'_, 'k>,
    serums: &[SerumPick<'k>],
    (carried_by_product, days): (&[bool], &[Day<'_>]),
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let (knowledge, profile) = (planning.knowledge, planning.profile);
    let mut to_test: Vec<&str> = Vec::new();
    for (pick, by_product) in serums.iter().zip(carried_by_product) {
        if !by_product && (profile.sensitive || pick.active.rules.strong) {
            to_test.push(&pick.active.name);
        }
    }
    let strong_tags = &knowledge.limits.strong_mask_tags;
    for step in days.iter().flat_map(|d| &d.pm) {
        let Some(mask) = step.mask_type.and_then(|m| knowledge.mask_type(m)) else {
            continue;
        };
        let name = step.product.as_deref().unwrap_or(&mask.name);
        if strong_tags.iter().any(|t| mask.has_tag(t)) && !to_test.contains(&name) {
            to_test.push(name);
        }
    }
    for (index, product) in used.indexed() {
        let prescribed = planning.verdicts[index].prescribed.is_some();
        let strong = product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .any(|f| f.strong);
        let washed = product.washes() || product.can(Step::Sunscreen);
        if !prescribed
            && !washed
            && (strong || (profile.sensitive && !product.families.is_empty()))
            && !to_test.contains(&product.name.as_str())
        {
            to_test.push(&product.name);
        }
    }
    if !to_test.is_empty() {
        let text = format!(
            "Patch-test {} before the first use: a small spot twice a day for 7-10 days.",
            and_list(&to_test)
        );
        warnings.add(
            WarningCode::PatchTest,
            rule(knowledge, "patch_test"),
            Cow::Owned(text),
            None,
        );
    }
}

/// The person's prescriptions: kept as prescribed, with their labels' directions; what
/// pregnancy changes; two that should not share a routine; a steroid's cautions.
fn say_prescriptions<'k>(
    planning: &Planning<'_, 'k>,
    days: &[Day<'_>],
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let knowledge = planning.knowledge;
    let owned = planning.owned();
    let prescribed: Vec<(usize, &ShelfProduct, Option<ServingTime>)> = owned.prescribed().collect();
    if prescribed.is_empty() {
        return;
    }
    // When each goes on, as the plan's days have it.
    let each: Vec<String> = prescribed
        .iter()
        .map(|(_, product, _)| {
            // Every day, every other day (kept apart from another: rule
            // rx_kept_apart), or on none.
            let on = |morning: bool| {
                let count = days
                    .iter()
                    .filter(|d| {
                        let steps = if morning { &d.am } else { &d.pm };
                        steps
                            .iter()
                            .any(|s| s.product.as_deref() == Some(product.name.as_str()))
                    })
                    .count();
                match count {
                    0 => None,
                    n if n == days.len() => Some("every"),
                    _ => Some("every other"),
                }
            };
            let when = match (on(true), on(false)) {
                (Some(a), Some(b)) if a == b => format!("{a} morning and evening"),
                (Some(a), Some(b)) => format!("{a} morning and {b} evening"),
                (Some(a), None) => format!("{a} morning"),
                (None, Some(b)) => format!("{b} evening"),
                (None, None) => {
                    "only as your doctor directs, on no fixed day of this plan".to_string()
                }
            };
            format!("{} {when}", product.name)
        })
        .collect();
    let citation = rule(knowledge, "rx_doctor_directions");
    let text = format!(
        "Your prescriptions go on exactly as your prescriber and their labels say: {}. {}",
        each.join("; "),
        citation.text
    );
    warnings.add(WarningCode::Prescription, citation, Cow::Owned(text), None);
    warnings.cite(WarningCode::Prescription, knowledge, "rx_not_yours");
    // The label's directions of each medicine, with their sources (and the cautions of
    // one on no fixed day: those of the products used are said with them).
    let mut cited: Vec<&str> = Vec::new();
    for (index, product, time) in &prescribed {
        let unused = !used.indexes.contains(index);
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            // A combination goes on by its strictest label (Tri-Luma: once a day, in the
            // evening): the directions of a family that would say otherwise are not its.
            let label = |p: &&crate::knowledge::Prescribed| match (
                p.time_at(product.strength(&family.id)),
                time,
            ) {
                (Some(own), Some(time)) => own.intersect(*time) == Some(own),
                (None, time) => time.is_none(),
                (Some(_), None) => true,
            };
            let rules = family
                .prescribed
                .iter()
                .filter(label)
                .map(|p| p.rule.as_str())
                .chain(family.caution_rule.as_deref().filter(|_| unused));
            for id in rules {
                if !cited.contains(&id) {
                    cited.push(id);
                    warnings.cite(WarningCode::Prescription, knowledge, id);
                }
            }
        }
    }
    if planning.profile.pregnant {
        warnings.cite(WarningCode::Prescription, knowledge, "rx_tell_prescriber");
    }
    say_prescriptions_apart(planning, &prescribed, used, warnings);
}

/// Two prescriptions a rule keeps apart (rule rx_kept_apart): where the plan puts each,
/// why, and a word to ask the prescriber.
fn say_prescriptions_apart<'k>(
    planning: &Planning<'_, 'k>,
    prescribed: &[(usize, &ShelfProduct, Option<ServingTime>)],
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let knowledge = planning.knowledge;
    for (i, (a, first, time_a)) in prescribed.iter().enumerate() {
        for (b, second, time_b) in &prescribed[i + 1..] {
            let shared = time_a.zip(*time_b).and_then(|(x, y)| x.intersect(y));
            if shared.is_none() || !used.indexes.contains(a) || !used.indexes.contains(b) {
                continue;
            }
            let Some(id) = kept_apart(knowledge, first, second) else {
                continue;
            };
            let why: String = match knowledge.interactions.iter().find(|i| i.id == id) {
                Some(interaction) => interaction.text.clone(),
                None => knowledge.cite(id).map_or("", |c| c.text).to_string(),
            };
            let citation = rule(knowledge, "rx_kept_apart");
            let text = format!(
                "{} and {} are both prescribed for the same routine. {why} {}",
                first.name, second.name, citation.text
            );
            warnings.add(WarningCode::Prescription, citation, Cow::Owned(text), None);
        }
    }
}

/// What the person's products used carry that has rules of its own: a ramped family
/// on its own nights, a caution, an ingredient sensitive skin is better without in the
/// sunscreen kept.
fn say_products<'k>(
    planning: &Planning<'_, 'k>,
    serums: &[SerumPick<'k>],
    used: Used<'_>,
    warnings: &mut Warnings<'k>,
) {
    let knowledge = planning.knowledge;
    say_gate_notes(planning, used, warnings);
    for (index, product) in used.indexed() {
        let prescribed = planning.verdicts[index].prescribed.is_some();
        for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
            if family.ramped()
                && product.leave_on
                && !prescribed
                && !serums.iter().any(|s| s.active.family == family.id)
            {
                let text = format!(
                    "{} carries {}, so it follows its rules: it goes on only on the nights set for {}, ramping up.",
                    product.name,
                    family.label(),
                    family.label()
                );
                warnings.add(
                    WarningCode::ProductRules,
                    rule(knowledge, "product_by_contents"),
                    Cow::Owned(text),
                    None,
                );
            }
            if let Some(caution) = &family.caution_rule {
                warnings.cite(WarningCode::Caution, knowledge, caution);
            }
        }
        let flagged = product.sensitive_flag(knowledge);
        if let (true, Some((code, inci))) = (planning.profile.sensitive, flagged) {
            let text = format!(
                "{} contains {inci} ({}), which can sting sensitive skin; it stays in the plan because nothing replaces sun protection. A sunscreen without it would suit you better.",
                product.name,
                code.replace('_', " ")
            );
            warnings.add(
                WarningCode::SensitiveSunscreen,
                rule(knowledge, "sensitive_sunscreen_kept"),
                Cow::Owned(text),
                None,
            );
        }
    }
}

/// What the gate's rules for classes of products did to the products used (a citrus
/// oil kept to the evenings, an acne gel made the treatment step), once per rule.
fn say_gate_notes<'k>(planning: &Planning<'_, 'k>, used: Used<'_>, warnings: &mut Warnings<'k>) {
    let knowledge = planning.knowledge;
    let mut notes: Vec<(&'k str, &'k str, Vec<&str>)> = Vec::new();
    for (index, product) in used.indexed() {
        let verdict = &planning.verdicts[index];
        for (rule_id, says) in &verdict.notes {
            if verdict.prescribed.is_some_and(|p| p.rule == *rule_id) {
                continue;
            }
            match notes.iter_mut().find(|(r, _, _)| r == rule_id) {
                Some((_, _, names)) => names.push(&product.name),
                None => notes.push((rule_id, says, vec![&product.name])),
            }
        }
    }
    for (rule_id, says, names) in notes {
        let Some(citation) = knowledge.cite(rule_id) else {
            continue;
        };
        let text = format!("{}: {says}. {}", and_list(&names), citation.text);
        warnings.add(WarningCode::ProductSafety, citation, Cow::Owned(text), None);
    }
}

/// What the avoid list left out, and its entries that need a word.
/// What the person's check-ins changed, said with the check-ins it read: an urgent
/// reaction stops everything new (rule reaction_stop_new); a reaction pauses what it
/// points to and restarts it slower (rule reaction_pause); one it cannot pin on anything
/// strong changes nothing, and the plan says why (rule reaction_unknown_cause).
fn say_heard<'k>(planning: &Planning<'_, 'k>, days: &[Day<'_>], warnings: &mut Warnings<'k>) {
    let (knowledge, heard) = (planning.knowledge, planning.reading.heard());
    let (Some(first), Some(last)) = (heard.first, heard.last) else {
        return;
    };
    let date = |d: chrono::NaiveDate| d.format("%a %-d %b").to_string();
    let read = if first == last {
        format!(
            "This plan read your {} check-in{} of {}.",
            heard.read,
            if heard.read == 1 { "" } else { "s" },
            date(first)
        )
    } else {
        format!(
            "This plan read your {} check-ins, {} to {}.",
            heard.read,
            date(first),
            date(last)
        )
    };
    let quoted = |words: &[String]| {
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // "Your check-in of <day> said <words>." with a rule's text, and the check-ins read.
    let told = |warnings: &mut Warnings<'k>,
                id: &'static str,
                day: chrono::NaiveDate,
                words: &[String]| {
        let citation = rule(knowledge, id);
        let text = format!(
            "Your check-in of {} said {}. {} {read}",
            date(day),
            quoted(words),
            citation.text
        );
        warnings.add(WarningCode::Reaction, citation, Cow::Owned(text), None);
    };
    if let Some((day, words)) = &heard.urgent {
        told(warnings, "reaction_stop_new", *day, words);
        warnings.cite(WarningCode::Reaction, knowledge, "reaction_urgent");
    }
    let mut said: Vec<String> = Vec::new();
    for pause in &heard.pauses {
        let name = if pause.mask {
            knowledge
                .mask_type(&pause.what)
                .map_or(pause.what.clone(), |m| m.name.to_lowercase())
        } else {
            knowledge
                .family(&pause.what)
                .map_or(pause.what.clone(), |f| f.label().to_string())
        };
        said.push(format!(
            "your check-in of {} said {} after {name}: it pauses until {}, then restarts on its slower ramp",
            date(pause.reported),
            quoted(&pause.words),
            date(pause.until)
        ));
    }
    if !said.is_empty() {
        let citation = rule(knowledge, "reaction_pause");
        let mut text = said.join("; ");
        if let Some(first) = text.get(..1) {
            text = format!("{}{}", first.to_uppercase(), &text[1..]);
        }
        let text = format!("{text}. {} {read}", citation.text);
        warnings.add(WarningCode::Reaction, citation, Cow::Owned(text), None);
    }
    // A reaction after a prescription is its prescriber's to judge: the plan keeps it
    // as prescribed (rule reaction_prescription).
    let owned = planning.owned();
    let prescribed = prescribed_keys(&owned, days);
    for unpinned in &heard.unexplained {
        let mut after: Vec<&str> = prescribed
            .iter()
            .filter(|(key, _)| unpinned.ticked.contains(key))
            .map(|(_, name)| *name)
            .collect();
        after.dedup();
        if after.is_empty() {
            told(
                warnings,
                "reaction_unknown_cause",
                unpinned.reported,
                &unpinned.words,
            );
            continue;
        }
        let citation = rule(knowledge, "reaction_prescription");
        let text = format!(
            "Your check-in of {} said {} after {}. {} {read}",
            date(unpinned.reported),
            quoted(&unpinned.words),
            and_list(&after),
            citation.text
        );
        warnings.add(WarningCode::Reaction, citation, Cow::Owned(text), None);
    }
    if heard.urgent.is_none() && heard.pauses.is_empty() && heard.unexplained.is_empty() {
        let citation = rule(knowledge, "reaction_pause");
        let text = format!("{read} No reaction in them changes the plan.");
        warnings.add(WarningCode::Reaction, citation, Cow::Owned(text), None);
    }
}

/// The checklist keys the person's prescriptions go on under in these days, each with
/// its product's name (a check-in ticks a step by its key).
fn prescribed_keys<'a>(owned: &Owned<'a>, days: &[Day<'_>]) -> Vec<(String, &'a str)> {
    owned
        .prescribed()
        .flat_map(|(_, product, _)| {
            days.iter()
                .flat_map(Day::steps)
                .filter(|s| s.product.as_deref() == Some(product.name.as_str()))
                .map(|s| (s.key(), product.name.as_str()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn say_avoided<'k>(planning: &Planning<'_, 'k>, warnings: &mut Warnings<'k>) {
    let (knowledge, reading) = (planning.knowledge, planning.reading);
    let masks_left_out: Vec<String> = knowledge
        .mask_types
        .iter()
        .filter_map(|m| {
            reading
                .mask_avoided(&m.id)
                .map(|entry| format!("{} ({entry})", m.name.to_lowercase()))
        })
        .collect();
    if !masks_left_out.is_empty() {
        let text = format!(
            "Left out because of your avoid list: {}.",
            masks_left_out.join(", ")
        );
        warnings.add(
            WarningCode::Avoided,
            rule(knowledge, "safer_wins"),
            Cow::Owned(text),
            None,
        );
    }
    for entry in reading.avoid().entries() {
        if let Some(note) = entry.note() {
            let code = if entry.is_unknown() {
                WarningCode::AvoidUnknown
            } else {
                WarningCode::AvoidWords
            };
            warnings.add(code, rule(knowledge, "safer_wins"), Cow::Owned(note), None);
        }
    }
}

/// Whether a step puts a serum's active on the skin: as the serum itself, or in the
/// product of the person's that carries it for the plan (a retinol night cream as the
/// moisturizer); another product of the same family does not make the serum's routine.
fn brings(
    step: &StepEntry<'_>,
    shelf: &[ShelfProduct],
    active: &Active,
    carrier: Option<(usize, Step)>,
) -> bool {
    step.active == Some(active.id.as_str())
        || carrier.is_some_and(|(product, _)| {
            step.product.as_deref() == Some(shelf[product].name.as_str())
        })
}
