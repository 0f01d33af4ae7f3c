//! The safety gate: one set of functions that judges everything that can go on a
//! person's skin, before it is placed. A product they own (in whatever step it would
//! fill), a product from the catalog, the planner's serum actives and its mask types all
//! go through it, and every answer carries the rule (and so the source) behind it.
//!
//! Its rules are data: the families' own fields (pregnancy, strength, sensitivity,
//! times), the interactions that hold inside one formula, the avoid list, and the rules
//! for classes of products in `knowledge/gate.toml` (essential oils, phototoxic oils,
//! prescriptions, steroids, acne medicines). The routine-level rules (what may share a
//! routine) are in `schedule`, which asks [`sides`] what each thing puts on the skin.

use crate::knowledge::{
    Active, Family, GateEffect, GateRule, Interaction, Knowledge, MaskType, Severity,
};
use crate::plan::Plan;
use crate::profile::Profile;
use crate::reading::Reading;
use crate::shelf::ShelfProduct;
use crate::vocab::{ServingTime, Step};
use serde::Serialize;

/// Why something may not go on this person's skin, with the rule that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal<'k> {
    /// The rule (or interaction) cited; its source is the knowledge base's.
    pub rule: &'k str,
    /// Why, in plain words ("it contains ...").
    pub reason: String,
}

/// A prescription medicine's schedule: its routines, or none when it goes on as the
/// prescriber directs (a steroid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Prescription<'k> {
    /// The routines its label gives; `None`: no fixed day.
    pub time: Option<ServingTime>,
    /// The rule that says so.
    pub rule: &'k str,
}

/// What the gate allows a product, for one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict<'k> {
    /// Why it may not go on at all, when it may not.
    pub refusal: Option<Refusal<'k>>,
    /// The routines it may go in (none when refused).
    pub times: Option<ServingTime>,
    /// The steps it may fill, best first (none when refused or on no fixed day).
    pub steps: Vec<Step>,
    /// It is a prescription: it goes on as prescribed, and the plan gives way to it.
    pub prescribed: Option<Prescription<'k>>,
    /// The gate's rules that shaped where it goes: (rule, what it says).
    pub notes: Vec<(&'k str, &'k str)>,
}

impl Verdict<'_> {
    /// Whether it may go on the skin at all.
    pub fn allowed(&self) -> bool {
        self.refusal.is_none()
    }

    /// Whether it may fill this step in this routine.
    pub fn admits(&self, step: Step, routine: crate::vocab::Routine) -> bool {
        self.steps.contains(&step) && self.times.is_some_and(|t| t.includes(routine))
    }
}

/// Judges a product for a person: whether it may go on their skin, in which routines,
/// in which steps, and whether it goes on as prescribed.
pub fn judge<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Verdict<'k> {
    let mut verdict = Verdict {
        refusal: None,
        times: None,
        steps: Vec::new(),
        prescribed: None,
        notes: Vec::new(),
    };
    if let Some(refusal) = refusal(knowledge, profile, product) {
        verdict.refusal = Some(refusal);
        return verdict;
    }
    let mut evening: Option<&'k GateRule> = None;
    let mut steps = product.uses.clone();
    for rule in class_rules(knowledge, profile, product) {
        match rule.effect {
            // The refusals were judged first.
            GateEffect::Refuse => continue,
            GateEffect::Evening => evening = Some(rule),
            // A treatment takes the treatment step instead of the moisturizer; a product
            // with an SPF keeps protecting (nothing replaces sun protection).
            GateEffect::Treatment if product.leave_on && !product.can(Step::Sunscreen) => {
                if steps.contains(&Step::Moisturize) {
                    steps.retain(|s| *s != Step::Moisturize);
                    if !steps.contains(&Step::Serum) {
                        steps.insert(0, Step::Serum);
                    }
                }
            }
            GateEffect::Treatment => continue,
            GateEffect::Prescribed => {
                verdict.prescribed.get_or_insert(Prescription {
                    time: prescribed_time(knowledge, product),
                    rule: &rule.id,
                });
            }
            // A combination whose other medicine has a daily routine (a steroid with
            // hydroquinone and tretinoin, for melasma) goes on by that routine, for the
            // course the prescriber sets; the steroid's own cautions are said with it.
            GateEffect::AsDirected if daily_medicine(knowledge, product) => continue,
            GateEffect::AsDirected => {
                verdict.prescribed = Some(Prescription {
                    time: None,
                    rule: &rule.id,
                });
            }
        }
        verdict.notes.push((&rule.id, &rule.says));
    }
    // A prescription goes on in its label's routines; it may go in any its actives
    // allow (kept apart from another prescription: rule rx_kept_apart).
    let own = product_time(knowledge, product);
    let times = match (&verdict.prescribed, own) {
        (
            Some(Prescription {
                time: Some(label), ..
            }),
            own,
        ) => own
            .filter(|own| own.intersect(*label) == Some(*label))
            .or(Some(*label)),
        (_, own) => own,
    };
    let Some(times) = times else {
        verdict.refusal = Some(no_shared_routine(knowledge, product));
        return verdict;
    };
    let times = match evening {
        Some(rule) => match times.intersect(ServingTime::Pm) {
            Some(times) => times,
            // What else it carries goes on in the morning only.
            None => {
                verdict.refusal = Some(Refusal {
                    rule: &rule.id,
                    reason: format!(
                        "{}, and what else it carries goes on in the morning only",
                        rule.says
                    ),
                });
                return verdict;
            }
        },
        None => times,
    };
    verdict.times = Some(times);
    verdict.steps = steps;
    prescribe(knowledge, &mut verdict, product.leave_on);
    verdict
}

/// A prescription goes on every day of its routines (narrowed by safety: a citrus oil in
/// it burns in the sun), as a treatment or as a wash; one that fills no such step of a
/// face routine (a medicated mask, a cream for the eyes or the body) goes on as its
/// prescriber directs, on no day of the plan.
fn prescribe<'k>(knowledge: &'k Knowledge, verdict: &mut Verdict<'k>, leave_on: bool) {
    let Some(prescription) = verdict.prescribed.as_mut() else {
        return;
    };
    if prescription.time.is_none() {
        verdict.steps.clear();
        return;
    }
    // Its label's routines, within those it may go in.
    prescription.time = prescription
        .time
        .zip(verdict.times)
        .and_then(|(label, times)| label.intersect(times))
        .or(verdict.times);
    let face = !verdict.steps.is_empty() && !verdict.steps.contains(&Step::Mask);
    if leave_on && face {
        verdict.steps = vec![Step::Serum];
    } else if leave_on || verdict.steps.first() != Some(&Step::Cleanse) {
        let rule = knowledge
            .cite("rx_as_directed")
            .map_or("rx_as_directed", |c| c.id);
        *prescription = Prescription { time: None, rule };
        verdict.steps.clear();
    }
}

/// Whether a product holds a prescription medicine with a daily routine of its label.
fn daily_medicine(knowledge: &Knowledge, product: &ShelfProduct) -> bool {
    product.contents.iter().any(|(family, inci)| {
        product.prescription.contains(inci)
            && knowledge
                .family(family)
                .and_then(|f| f.prescribed.as_ref())
                .is_some_and(|p| !p.as_directed && p.time.is_some())
    })
}

/// The refusal of a formula whose actives share no time of day.
fn no_shared_routine<'k>(knowledge: &'k Knowledge, product: &ShelfProduct) -> Refusal<'k> {
    Refusal {
        rule: "product_by_contents",
        reason: format!(
            "what it contains cannot share one routine: {} go on at different times of day",
            family_names(knowledge, product).join(" and ")
        ),
    }
}

/// Whether the person may have one of the planner's serum actives: pregnancy (a serum
/// stays on the skin), the gate's rules for the person that look at its family (a
/// condition, an age, breastfeeding), sensitivity and the avoid list.
pub(super) fn judge_active<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    reading: &Reading,
    active: &'k Active,
) -> Result<(), Refusal<'k>> {
    if let Some(refusal) = active_in_pregnancy(knowledge, profile, active) {
        return Err(refusal);
    }
    if let Some(refusal) = person_rules(knowledge, profile)
        .find(|rule| rule.judges_family(&active.family))
        .map(refused)
    {
        return Err(refusal);
    }
    let family = knowledge.family(&active.family).unwrap_or(&active.rules);
    if profile.sensitive && family.avoid_if_sensitive {
        return Err(Refusal {
            rule: "sensitive_fewer_actives",
            reason: format!("{} can be too harsh for sensitive skin", family.label()),
        });
    }
    if let Some(entry) = reading.active_avoided(&active.id) {
        return Err(Refusal {
            rule: "safer_wins",
            reason: format!("it is on your avoid list ({entry})"),
        });
    }
    Ok(())
}

/// Why one of the planner's serums is not for this person's pregnancy, if it is not (a
/// serum stays on the skin: a family allowed only in washes is out too).
pub(super) fn active_in_pregnancy<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    active: &'k Active,
) -> Option<Refusal<'k>> {
    let family = knowledge.family(&active.family).unwrap_or(&active.rules);
    (profile.pregnant && (!family.pregnancy_safe || family.pregnancy_rinse_off_only))
        .then(|| pregnancy_refusal(family, "it"))
}

/// Whether the person may have a mask type: the gate's rules for the person that look at
/// its tags (no exfoliating mask with rosacea), sensitivity and the avoid list.
pub(super) fn judge_mask<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    reading: &Reading,
    mask: &MaskType,
) -> Result<(), Refusal<'k>> {
    if let Some(refusal) = person_rules(knowledge, profile)
        .find(|rule| rule.judges_mask(mask))
        .map(refused)
    {
        return Err(refusal);
    }
    mask_for_sensitive(profile, mask)?;
    if let Some(entry) = reading.mask_avoided(&mask.id) {
        return Err(Refusal {
            rule: "safer_wins",
            reason: format!("it is on your avoid list ({entry})"),
        });
    }
    Ok(())
}

/// Whether a mask type suits sensitive skin (an exfoliating mask or a scrub does not).
fn mask_for_sensitive<'k>(profile: &Profile, mask: &MaskType) -> Result<(), Refusal<'k>> {
    if profile.sensitive && mask.avoid_if_sensitive {
        return Err(Refusal {
            rule: "sensitive_soothing_masks",
            reason: format!(
                "{}s can be too harsh for sensitive skin",
                mask.name.to_lowercase()
            ),
        });
    }
    Ok(())
}

/// The rules of gate.toml whose `when` holds for this person, in file order.
fn for_person<'k>(knowledge: &'k Knowledge, profile: &Profile) -> Vec<&'k GateRule> {
    let situation = crate::knowledge::Situation::of(profile, false);
    knowledge
        .gate
        .iter()
        .filter(|rule| rule.when.as_ref().is_none_or(|w| w.matches(&situation)))
        .collect()
}

/// The refusing rules of gate.toml that hold for this person, in file order.
fn person_rules<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
) -> impl Iterator<Item = &'k GateRule> + 'k {
    for_person(knowledge, profile)
        .into_iter()
        .filter(|rule| rule.effect == GateEffect::Refuse)
}

/// A gate rule's refusal.
fn refused(rule: &GateRule) -> Refusal<'_> {
    Refusal {
        rule: &rule.id,
        reason: rule.says.clone(),
    }
}

/// The rules of gate.toml that hold for this product and person, in file order.
fn class_rules<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> impl Iterator<Item = &'k GateRule> + 'k {
    let rules: Vec<&'k GateRule> = for_person(knowledge, profile)
        .into_iter()
        .filter(|rule| looks_at(knowledge, rule, product))
        .collect();
    rules.into_iter()
}

/// Whether a product is of the class a gate rule is about.
fn looks_at(knowledge: &Knowledge, rule: &GateRule, product: &ShelfProduct) -> bool {
    let flagged = |code: &str| product.flags.iter().any(|(c, _)| c == code);
    let mask = || {
        product
            .mask_type
            .as_deref()
            .and_then(|m| knowledge.mask_type(m))
            .filter(|_| product.can(Step::Mask))
    };
    rule.first_flag
        .as_deref()
        .is_none_or(|f| product.first_flags.iter().any(|c| c == f))
        && rule.flag.as_deref().is_none_or(flagged)
        && (rule.families.is_empty() || rule.families.iter().any(|f| product.treats(f)))
        && rule
            .prescription
            .is_none_or(|wanted| wanted == carries_prescription(product))
        && rule.leave_on.is_none_or(|l| l == product.leave_on)
        && (rule.mask_tags.is_empty()
            || mask().is_some_and(|m| rule.mask_tags.iter().any(|t| m.has_tag(t))))
}

/// Whether a product carries a prescription medicine.
fn carries_prescription(product: &ShelfProduct) -> bool {
    !product.prescription.is_empty()
}

/// Why a product may not go on this person's skin at all, if it may not. The checks run
/// in order and the first that holds is the reason.
fn refusal<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Option<Refusal<'k>> {
    let prescribed = !product.prescription.is_empty();
    pregnancy(knowledge, profile, product)
        .or_else(|| {
            product
                .flags
                .iter()
                .find(|(code, _)| code == "avoid")
                .map(|(_, inci)| Refusal {
                    rule: "safer_wins",
                    reason: format!(
                        "it contains {inci}, which is on your avoid list{}",
                        if prescribed {
                            "; ask your prescriber for one without it"
                        } else {
                            ""
                        }
                    ),
                })
        })
        .or_else(|| {
            class_rules(knowledge, profile, product)
                .find(|rule| rule.effect == GateEffect::Refuse)
                .map(|rule| Refusal {
                    rule: &rule.id,
                    reason: rule.says.clone(),
                })
        })
        // The prescriber chose its strength and knows the skin it is for.
        .or_else(|| {
            (!prescribed)
                .then(|| too_strong(knowledge, product))
                .flatten()
        })
        .or_else(|| within_formula(knowledge, product))
        .or_else(|| {
            (!prescribed)
                .then(|| sensitive(knowledge, profile, product))
                .flatten()
        })
        .or_else(|| {
            let mask = product
                .mask_type
                .as_deref()
                .and_then(|m| knowledge.mask_type(m))?;
            product
                .can(Step::Mask)
                .then(|| mask_for_sensitive(profile, mask).err())
                .flatten()
        })
}

/// Pregnancy and breastfeeding: a family that is not for them at any level, or one
/// allowed only in a wash, left on the skin.
fn pregnancy<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Option<Refusal<'k>> {
    if !profile.pregnant {
        return None;
    }
    let tell = if product.prescription.is_empty() {
        ""
    } else {
        "; tell your prescriber you are pregnant or breastfeeding"
    };
    if let Some(family) = product
        .present
        .iter()
        .filter_map(|f| knowledge.family(f))
        .find(|f| !f.pregnancy_safe)
    {
        let mut refusal = pregnancy_refusal(family, "it");
        refusal.reason = format!(
            "it contains {} (even in traces), which is not for pregnancy or breastfeeding{tell}",
            family.name.to_lowercase()
        );
        return Some(refusal);
    }
    if !product.leave_on {
        return None;
    }
    let wash_only = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .find(|f| f.pregnancy_rinse_off_only)?;
    Some(Refusal {
        rule: knowledge
            .family(&wash_only.id)
            .and_then(|f| f.pregnancy_rule.as_deref())
            .unwrap_or("pregnancy_no_retinoids"),
        reason: format!(
            "it leaves {} on the skin: in pregnancy, only in a wash you rinse off{tell}",
            wash_only.name.to_lowercase()
        ),
    })
}

/// The refusal of a family for pregnancy, with its own rule.
fn pregnancy_refusal<'k>(family: &'k Family, what: &str) -> Refusal<'k> {
    Refusal {
        rule: family
            .pregnancy_rule
            .as_deref()
            .unwrap_or("pregnancy_no_retinoids"),
        reason: format!(
            "{what} contains {}, which is not for pregnancy or breastfeeding",
            family.name.to_lowercase()
        ),
    }
}

/// A strength above what home use allows, left on the skin or rinsed off.
fn too_strong<'k>(knowledge: &'k Knowledge, product: &ShelfProduct) -> Option<Refusal<'k>> {
    for family in product.families.iter().filter_map(|f| knowledge.family(f)) {
        let (Some(strength), Some(percent)) = (&family.strength, product.strength(&family.id))
        else {
            continue;
        };
        let (limit, how) = if product.leave_on {
            (strength.leave_on_max, "left on the skin")
        } else {
            (strength.rinse_off_max, "rinsed off")
        };
        if let Some(limit) = limit.filter(|limit| percent > *limit) {
            let cited = knowledge.cite(&strength.rule);
            return Some(Refusal {
                rule: cited.map_or("strength_refused", |c| c.id),
                reason: format!(
                    "its {percent}% {} is stronger than the {limit}% that home use allows for a product {how}.{}",
                    family.name.to_lowercase(),
                    cited.map_or(String::new(), |c| format!(" {}", c.text))
                ),
            });
        }
    }
    None
}

/// What one formula carries that a rule keeps apart even inside one product (irritation
/// that adds up), both at a treatment level above the 1% line. A rule about products
/// layered (oxidation, pH) does not hold inside one formula (rule formula_not_layering).
fn within_formula<'k>(knowledge: &'k Knowledge, product: &ShelfProduct) -> Option<Refusal<'k>> {
    let main: Vec<(&str, &str)> = product
        .contents
        .iter()
        .filter(|(family, _)| product.main.contains(family))
        .map(|(family, inci)| (family.as_str(), inci.as_str()))
        .collect();
    knowledge
        .interactions
        .iter()
        .filter(|i| i.severity == Severity::Separate && i.within_product)
        .find(|i| i.a.selects(&main, &[]) && i.b.selects(&main, &[]))
        .map(|interaction| Refusal {
            rule: &interaction.id,
            reason: format!(
                "it combines what the rules keep apart even in one formula: {}",
                interaction.text
            ),
        })
}

/// Sensitive skin: a family too harsh for it, or an ingredient it is better without
/// (nothing replaces sun protection: a sunscreen is kept, with a word about it).
fn sensitive<'k>(
    knowledge: &'k Knowledge,
    profile: &Profile,
    product: &ShelfProduct,
) -> Option<Refusal<'k>> {
    if !profile.sensitive {
        return None;
    }
    if let Some(family) = product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .find(|f| f.avoid_if_sensitive)
    {
        return Some(Refusal {
            rule: "sensitive_fewer_actives",
            reason: format!(
                "what it carries ({}) can be too harsh for sensitive skin",
                family.label()
            ),
        });
    }
    let protects = product.uses.contains(&Step::Sunscreen);
    match (product.sensitive_flag(knowledge), protects) {
        (Some((code, inci)), false) => Some(Refusal {
            rule: "sensitive_fewer_actives",
            reason: format!(
                "it contains {inci} ({}), best avoided on sensitive skin",
                code.replace('_', " ")
            ),
        }),
        _ => None,
    }
}

/// The routines a formula goes in (rule formula_not_layering): those its families with a
/// firm time allow (a retinoid, an AHA: evenings; sun filters: mornings), within the
/// times of its other families when they share one. Those are only where the plan puts
/// its own serums (vitamin C in the morning, a BHA serum in the evening): in one
/// formula, made to go on whole, they give way to each other.
fn product_time(knowledge: &Knowledge, product: &ShelfProduct) -> Option<ServingTime> {
    let time = |guarded: bool| {
        product
            .families
            .iter()
            .filter_map(|f| knowledge.family(f))
            .filter(|f| f.firm_time == guarded)
            .try_fold(ServingTime::AmPm, |time, family| {
                time.intersect(family.time_for(product.leave_on))
            })
    };
    let guarded = time(true)?;
    Some(
        time(false)
            .and_then(|other| other.intersect(guarded))
            .unwrap_or(guarded),
    )
}

/// The routines a prescription product goes in: those its families' labels give (a
/// combination with benzoyl peroxide once a day, in the evening), within their times.
fn prescribed_time(knowledge: &Knowledge, product: &ShelfProduct) -> Option<ServingTime> {
    product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .try_fold(ServingTime::AmPm, |time, family| {
            let label = family
                .prescribed
                .as_ref()
                .and_then(|p| p.time_at(product.strength(&family.id)))
                .unwrap_or(family.time_for(product.leave_on));
            time.intersect(label)
        })
}

fn family_names(knowledge: &Knowledge, product: &ShelfProduct) -> Vec<String> {
    product
        .families
        .iter()
        .filter_map(|f| knowledge.family(f))
        .map(|f| f.name.to_lowercase())
        .collect()
}

/// What a thing puts on the skin, as the interactions read it: its actives as (family,
/// INCI name), and its mask tags.
pub(super) struct OnSkin<'a> {
    pub(super) actives: Vec<(&'a str, &'a str)>,
    pub(super) tags: Vec<&'a str>,
}

impl<'a> OnSkin<'a> {
    /// A product of the person's, by what it leaves on the skin at a treatment level: a
    /// wash is rinsed off within a minute, before anything else goes on, and is on no
    /// side of a rule about products layered (rule rinse_off_milder).
    pub(super) fn product(product: &'a ShelfProduct) -> OnSkin<'a> {
        if product.washes() {
            return OnSkin {
                actives: Vec::new(),
                tags: Vec::new(),
            };
        }
        OnSkin {
            actives: product
                .contents
                .iter()
                .map(|(family, inci)| (family.as_str(), inci.as_str()))
                .collect(),
            tags: Vec::new(),
        }
    }

    /// One of the planner's serum actives: its family, through the INCI names it stands
    /// for (or its family's id, when it names none).
    pub(super) fn active(active: &'a Active) -> OnSkin<'a> {
        let actives = if active.ingredients.is_empty() {
            vec![(active.family.as_str(), active.family.as_str())]
        } else {
            active
                .ingredients
                .iter()
                .map(|inci| (active.family.as_str(), inci.as_str()))
                .collect()
        };
        OnSkin {
            actives,
            tags: Vec::new(),
        }
    }

    /// A mask type, by its tags.
    pub(super) fn mask(mask: &'a MaskType) -> OnSkin<'a> {
        OnSkin {
            actives: Vec::new(),
            tags: mask.tags.iter().map(String::as_str).collect(),
        }
    }
}

/// Why two of the person's products may not share a routine, if they may not: the rule
/// of an interaction between what they leave on the skin, or one_strong_per_routine
/// for a strong family both leave on (two retinoids).
pub(super) fn kept_apart<'k>(
    knowledge: &'k Knowledge,
    first: &ShelfProduct,
    second: &ShelfProduct,
) -> Option<&'k str> {
    let (x, y) = (OnSkin::product(first), OnSkin::product(second));
    if let Some(interaction) = knowledge.interactions.iter().find(|i| {
        i.severity == Severity::Separate && {
            let ((xa, xb), (ya, yb)) = (sides(i, &x), sides(i, &y));
            (xa && yb) || (xb && ya)
        }
    }) {
        return Some(&interaction.id);
    }
    let double = first
        .families
        .iter()
        .any(|f| second.families.contains(f) && knowledge.family(f).is_some_and(|f| f.strong));
    (double && first.leave_on && second.leave_on).then(|| {
        knowledge
            .cite("one_strong_per_routine")
            .map_or("one_strong_per_routine", |c| c.id)
    })
}

/// Which sides of an interaction a thing is on: (side a, side b).
pub(super) fn sides(interaction: &Interaction, what: &OnSkin<'_>) -> (bool, bool) {
    (
        interaction.a.selects(&what.actives, &what.tags),
        interaction.b.selects(&what.actives, &what.tags),
    )
}

/// Something in a product that does not go with an active or mask of the person's plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Clash {
    /// The plan's active or mask type it clashes with.
    pub with: String,
    /// The interaction rule.
    pub rule: String,
    /// What happens and what to do.
    pub text: String,
}

/// What in a product (its actives, and its mask type if it is a mask) clashes with the
/// actives and masks of a plan: the same interactions, read the same way, as the
/// scheduler's.
pub fn plan_clashes(knowledge: &Knowledge, plan: &Plan<'_>, product: &ShelfProduct) -> Vec<Clash> {
    let mut own = OnSkin::product(product);
    if let Some(mask) = product
        .mask_type
        .as_deref()
        .and_then(|m| knowledge.mask_type(m))
    {
        own.tags = mask.tags.iter().map(String::as_str).collect();
    }
    let mut items: Vec<(&str, OnSkin<'_>)> = Vec::new();
    for serum in &plan.serums {
        if let Some(active) = knowledge.active(serum.active) {
            items.push((&active.name, OnSkin::active(active)));
        }
    }
    for mask in &plan.masks {
        if let Some(mask_type) = knowledge.mask_type(mask.mask_type) {
            items.push((&mask_type.name, OnSkin::mask(mask_type)));
        }
    }
    let mut clashes = Vec::new();
    for (name, item) in &items {
        for interaction in knowledge
            .interactions
            .iter()
            .filter(|i| i.severity == Severity::Separate)
        {
            let (own_a, own_b) = sides(interaction, &own);
            let (item_a, item_b) = sides(interaction, item);
            if ((own_a && item_b) || (own_b && item_a))
                && !clashes
                    .iter()
                    .any(|c: &Clash| c.with == *name && c.rule == interaction.id)
            {
                clashes.push(Clash {
                    with: name.to_string(),
                    rule: interaction.id.clone(),
                    text: interaction.text.clone(),
                });
            }
        }
    }
    clashes
}
