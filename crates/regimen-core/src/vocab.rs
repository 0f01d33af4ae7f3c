//! The stable vocabulary of docs/domain.md part C: skin types, concerns, goals,
//! routine steps and times of day. These ids appear in profiles, JSON and URLs.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value as people may write an id: trimmed, in lower case, with underscores for
/// spaces and hyphens.
fn loose_id(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $id:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(#[doc = $id] $variant),+ }

        /// Read from its stable id, in any case and with spaces or hyphens for the
        /// underscores ("Acne", "long term", "Long-Term").
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::from_id(&text)
                    .or_else(|| Self::from_id(&loose_id(&text)))
                    .ok_or_else(|| serde::de::Error::unknown_variant(&text, &[$($id),+]))
            }
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable id of this value.
            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// Parses a stable id.
            pub fn from_id(id: &str) -> Option<Self> {
                match id { $($id => Some($name::$variant),)+ _ => None }
            }
        }

        /// A value equals its stable id.
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.id() == *other
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.id())
            }
        }
    };
}

vocabulary! {
    /// A skin type (sensitivity is a separate yes/no).
    SkinType { Oily => "oily", Dry => "dry", Combination => "combination", Normal => "normal" }
}

vocabulary! {
    /// A skin concern a person can list.
    Concern {
        Acne => "acne", Aging => "aging", Pigmentation => "pigmentation",
        Dehydration => "dehydration", Dryness => "dryness", Dullness => "dullness",
        Redness => "redness", Oiliness => "oiliness", Pores => "pores", Texture => "texture",
    }
}

vocabulary! {
    /// What the person wants: fast results, long-term change or both.
    Goal { Fast => "fast", LongTerm => "long_term", Both => "both" }
}

vocabulary! {
    /// A routine step, declared in application order.
    Step {
        Cleanse => "cleanse", Mask => "mask", RemoveMask => "remove_mask",
        Serum => "serum", Moisturize => "moisturize", Sunscreen => "sunscreen",
    }
}

vocabulary! {
    /// When a serum is used.
    ServingTime { Am => "am", Pm => "pm", AmPm => "am_pm" }
}

vocabulary! {
    /// What kind of product an ingredient list belongs to.
    ProductKind {
        Serum => "serum", Mask => "mask", Moisturizer => "moisturizer", Cleanser => "cleanser",
        Sunscreen => "sunscreen", Toner => "toner", Exfoliant => "exfoliant", EyeCare => "eye_care",
        Oil => "oil", Mist => "mist", Other => "other", Tool => "tool",
    }
}

vocabulary! {
    /// The overall answer: masks, serums or both.
    Approach { Masks => "masks", Serums => "serums", Both => "both" }
}

vocabulary! {
    /// What a plan's warning is about (its label and how prominent it is are in
    /// knowledge/labels.toml).
    WarningCode {
        SeeDermatologist => "see_dermatologist", Pregnancy => "pregnancy", Reaction => "reaction",
        PatchTest => "patch_test", Sunscreen => "sunscreen", SpfLow => "spf_low",
        Sensitive => "sensitive", SensitiveSunscreen => "sensitive_sunscreen", Caution => "caution",
        KeptApart => "kept_apart", InteractionNote => "interaction_note", Avoided => "avoided",
        AvoidUnknown => "avoid_unknown", AvoidWords => "avoid_words", Strength => "strength",
        ProductRules => "product_rules", SaferWins => "safer_wins", Pacing => "pacing",
        Expectations => "expectations", TimeBudget => "time_budget", SerumLimit => "serum_limit",
        MasksDoNotFit => "masks_do_not_fit", EventMaskMissing => "event_mask_missing",
        EventOutsidePlan => "event_outside_plan", Experiment => "experiment",
        Prescription => "prescription", ProductSafety => "product_safety", Person => "person",
    }
}

vocabulary! {
    /// A diagnosed skin condition that changes what is safe (docs/product.md, third round).
    Condition {
        Rosacea => "rosacea", Melasma => "melasma", Eczema => "eczema",
        PerioralDermatitis => "perioral_dermatitis", Psoriasis => "psoriasis",
        SeborrheicDermatitis => "seborrheic_dermatitis",
    }
}

/// A skin tone on the Fitzpatrick scale, "I" (always burns, never tans) to "VI" (never
/// burns, deeply pigmented). Read in any case, or as 1 to 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SkinTone {
    /// Type I.
    I,
    /// Type II.
    II,
    /// Type III.
    III,
    /// Type IV.
    IV,
    /// Type V.
    V,
    /// Type VI.
    VI,
}

impl SkinTone {
    /// Every tone, lightest first.
    pub const ALL: &'static [SkinTone] = &[
        SkinTone::I,
        SkinTone::II,
        SkinTone::III,
        SkinTone::IV,
        SkinTone::V,
        SkinTone::VI,
    ];

    /// The stable id ("IV").
    pub fn id(self) -> &'static str {
        match self {
            SkinTone::I => "I",
            SkinTone::II => "II",
            SkinTone::III => "III",
            SkinTone::IV => "IV",
            SkinTone::V => "V",
            SkinTone::VI => "VI",
        }
    }

    /// Parses "IV", "iv", "type iv", "4".
    pub fn from_id(text: &str) -> Option<SkinTone> {
        let text = text.trim();
        let text = text
            .strip_prefix("type")
            .or_else(|| text.strip_prefix("Type"))
            .map_or(text, str::trim);
        SkinTone::ALL.iter().copied().find(|tone| {
            tone.id().eq_ignore_ascii_case(text) || (*tone as usize + 1).to_string() == text
        })
    }
}

impl<'de> Deserialize<'de> for SkinTone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SkinTone::from_id(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{text}\" is not a skin tone: give a Fitzpatrick type from \"I\" to \"VI\""
            ))
        })
    }
}

impl fmt::Display for SkinTone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl ServingTime {
    /// Whether this time includes the morning routine.
    pub fn in_am(self) -> bool {
        matches!(self, ServingTime::Am | ServingTime::AmPm)
    }

    /// Whether this time includes the evening routine.
    pub fn in_pm(self) -> bool {
        matches!(self, ServingTime::Pm | ServingTime::AmPm)
    }

    /// Whether this time includes a routine.
    pub fn includes(self, routine: Routine) -> bool {
        match routine {
            Routine::Am => self.in_am(),
            Routine::Pm => self.in_pm(),
        }
    }

    /// The routines both times include (none when they share none).
    pub fn intersect(self, other: ServingTime) -> Option<ServingTime> {
        match (self.in_am() && other.in_am(), self.in_pm() && other.in_pm()) {
            (true, true) => Some(ServingTime::AmPm),
            (true, false) => Some(ServingTime::Am),
            (false, true) => Some(ServingTime::Pm),
            (false, false) => None,
        }
    }

    /// This time without a routine (none when nothing is left).
    pub fn without(self, routine: Routine) -> Option<ServingTime> {
        match (self, routine) {
            (ServingTime::AmPm, Routine::Am) => Some(ServingTime::Pm),
            (ServingTime::AmPm, Routine::Pm) => Some(ServingTime::Am),
            (time, routine) if !time.includes(routine) => Some(time),
            _ => None,
        }
    }
}

/// Morning or evening routine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routine {
    /// The morning routine.
    Am,
    /// The evening routine.
    Pm,
}

impl Routine {
    /// Both routines, morning first.
    pub const ALL: [Routine; 2] = [Routine::Am, Routine::Pm];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Routine::Am => "am",
            Routine::Pm => "pm",
        }
    }
}
