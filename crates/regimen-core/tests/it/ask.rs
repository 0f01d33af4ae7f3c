//! Questions as people type them: read into what they ask about what, and answered
//! from the rules that decide the plan, or not at all.

use super::knowledge;
use regimen_core::ask::{ask, Answer, Confidence};

fn answered(question: &str) -> Answer {
    let answer = ask(knowledge(), question);
    assert_ne!(
        answer.confidence,
        Confidence::Low,
        "{question}: {}",
        answer.answer
    );
    answer
}

fn rules(answer: &Answer) -> Vec<&str> {
    answer
        .points
        .iter()
        .filter_map(|p| p.rule.as_deref())
        .collect()
}

#[test]
fn urgent_signs_come_first_whatever_else_is_asked() {
    for question in [
        "my lips are swelling after a new cream",
        "is it ok to keep using retinol, my face is swollen and i cant breathe well",
        "burning wont stop after glycolic peel and skin is blistering",
    ] {
        let answer = answered(question);
        assert!(
            answer.answer.starts_with("This can be an emergency"),
            "{question}"
        );
        assert_eq!(rules(&answer)[0], "reaction_urgent");
    }
}

#[test]
fn combinations_are_answered_by_the_rules_that_keep_things_apart() {
    let answer = answered("can I use my BHA exfoliant and vitamin C together");
    assert!(
        answer.answer.starts_with("Not in the same routine"),
        "{}",
        answer.answer
    );
    assert!(rules(&answer).contains(&"vitamin_c_acids"));
    // Benzoyl peroxide breaks down tretinoin, not adapalene.
    assert!(
        answered("Can I use benzoyl peroxide and tretinoin together?")
            .answer
            .starts_with("Not in the same routine")
    );
    assert!(answered("can i use benzoyl peroxide with adapalene")
        .answer
        .starts_with("Yes, with care"));
    // No rule keeps them apart, but two strong actives are started one at a time.
    let together = answered("can i use salicylic acid and benzoyl peroxide together");
    assert!(
        together.answer.starts_with("Yes, with care"),
        "{}",
        together.answer
    );
    assert!(rules(&together).contains(&"pacing"));
    // No interaction, but their times of day differ.
    let answer = answered("Can You Mix Retinol with Vitamin C?");
    assert!(
        answer.answer.contains("different times of day"),
        "{}",
        answer.answer
    );
    // A wash is rinsed off within a minute.
    assert!(
        answered("Can I use a salicylic acid cleanser with vitamin C serum?")
            .answer
            .contains("wash")
    );
}

#[test]
fn pregnancy_and_breastfeeding_are_answered_apart() {
    let bakuchiol = answered("is bakuchiol safe in pregnancy");
    assert!(bakuchiol.answer.starts_with("No"), "{}", bakuchiol.answer);
    assert!(answered("is niacinimide safe when pregnent")
        .answer
        .starts_with("Yes"));
    let salicylic = answered("can i use salicylic acid serum while pregnant");
    assert!(
        salicylic.answer.contains("only in a wash"),
        "{}",
        salicylic.answer
    );
    // Breastfeeding: salicylic acid on the face is fine, a retinoid is not started, a
    // prescription stays with a word for the prescriber.
    assert!(answered("Can You Use Salicylic Acid While Breastfeeding?")
        .answer
        .starts_with("Yes"));
    assert!(answered("is retinol ok while breastfeeding")
        .answer
        .starts_with("No"));
    assert!(answered("can i use tretinoin cream while breast feeding")
        .answer
        .contains("prescriber"));
}

#[test]
fn times_frequencies_orders_and_timelines() {
    assert!(answered("should i put retinol on in the morning")
        .answer
        .contains("in the evening"));
    assert!(answered("How often should I use a clay mask?")
        .answer
        .contains("a week"));
    assert!(rules(&answered("what order do I put my skincare on")).contains(&"step_order"));
    assert!(
        answered("how long does vitamin c serum take to show results")
            .answer
            .contains("3-6 months")
    );
    assert!(answered("how long do u leave a sheet mask on")
        .answer
        .contains("minutes"));
}

#[test]
fn ages_and_conditions() {
    let child = answered("my 10 year old daugther wants the vitamin c serum from tiktok, is it ok");
    assert!(
        rules(&child).contains(&"child_routine"),
        "{:?}",
        rules(&child)
    );
    assert!(rules(&answered("Can a 14 year old girl use retinol")).contains(&"teen_no_antiaging"));
    let steroid = answered("perioral dermatitis can i use my hydrocortisone cream on it");
    assert!(steroid.answer.starts_with("No"), "{}", steroid.answer);
    assert!(answered("Can You Use Retinol on Eczema?")
        .answer
        .starts_with("No"));
}

#[test]
fn what_is_not_understood_is_not_answered() {
    for question in [
        "best pizza near me",
        "es cierto que la isotretinoina a dosis bajas",
        "",
    ] {
        let answer = ask(knowledge(), question);
        assert_eq!(answer.confidence, Confidence::Low, "{question}");
        assert!(answer.did_you_mean.is_empty(), "{question}");
    }
    let vague = ask(knowledge(), "is it ok together");
    assert_eq!(vague.confidence, Confidence::Low);
    assert!(!vague.did_you_mean.is_empty());
    // Whatever is typed, an answer or a refusal: never a panic.
    let long = "retinol ".repeat(2000);
    let _ = ask(knowledge(), &long);
}

#[test]
fn questions_for_a_doctor_are_said_to_be_so() {
    for question in [
        "Can you tell me if I should be worried about my mole, it has changed",
        "Should I treat my acne with Doxycycline?",
        "best shampoo for hair fall and dandruff",
    ] {
        let answer = ask(knowledge(), question);
        assert_eq!(answer.confidence, Confidence::Low, "{question}");
        assert!(
            answer.answer.contains("question for a doctor"),
            "{question}: {}",
            answer.answer
        );
        assert_eq!(rules(&answer), ["ask_a_doctor"]);
    }
    // A word inside another ("has" is no "ha", hyaluronic acid) reads nothing.
    let has = ask(knowledge(), "my friend has a question about her mole");
    assert!(has.understood.subjects.is_empty(), "{:?}", has.understood);
    // Urgent signs still come first.
    assert!(answered("my lips are swelling after isotretinoin")
        .answer
        .starts_with("This can be an emergency"));
}

#[test]
fn events_reactions_and_what_things_do() {
    // Before an event: nothing new, no exfoliating acid on the eve.
    let event = answered("wedding tomorrow can i do my glycolic peel tonight");
    assert!(rules(&event).contains(&"event_eve"), "{:?}", rules(&event));
    // A reaction: stop, let it settle, build up again on the ramp, when to see a doctor.
    let burning = answered("my face is burning after my retinol");
    assert!(burning.answer.starts_with("Stop it for now"));
    for rule in ["reaction", "reaction_pause", "derm_burning"] {
        assert!(
            rules(&burning).contains(&rule),
            "{rule}: {:?}",
            rules(&burning)
        );
    }
    // What one does, and what each of two does.
    let azelaic = answered("What Does Azelaic Acid Do?");
    assert!(
        azelaic.answer.starts_with("Azelaic acid: calmer acne"),
        "{}",
        azelaic.answer
    );
    let versus = answered("Azelaic acid vs niacinamide: Which should I use?");
    assert!(versus.answer.contains("Azelaic acid") && versus.answer.contains("Niacinamide"));
}

#[test]
fn the_seeds_question_and_topics_the_rules_cannot_compose() {
    // Masks or serums, as people ask it: the seed's answers, not one of the two alone.
    for question in [
        "face masks vs serums which delivers better results",
        "do i really need both a face mask and a serum",
        "are sheet masks worth it compared to serums",
    ] {
        let answer = answered(question);
        assert!(
            answer
                .answer
                .starts_with("Serums and masks do different jobs"),
            "{question}: {}",
            answer.answer
        );
        assert!(rules(&answer).contains(&"both_needed"), "{question}");
    }
    // Both on one day: the mask first.
    let same_day = answered("should i put my serum on before or after a clay mask");
    assert_eq!(rules(&same_day)[0], "mask_day_order");
    // Purging, whatever it is called, is neither a reaction to stop nor a timeline.
    for question in ["what is retinol purge", "how long do tret uglies last"] {
        assert_eq!(rules(&answered(question))[0], "purging", "{question}");
    }
    // A topic does not take a question that asks what it does not answer.
    let pregnant = answered("is skin cycling ok when pregnant");
    assert!(!rules(&pregnant).contains(&"faq_skin_cycling"));
}

#[test]
fn an_order_question_places_what_it_names() {
    let two = answered("what goes first, moisturiser or serum?");
    assert!(
        two.answer.starts_with("Serum, then moisturizer."),
        "{}",
        two.answer
    );
    let serums = answered("does retinol go before or after hyaluronic acid");
    assert!(
        serums.answer.starts_with("They go in the same step"),
        "{}",
        serums.answer
    );
    assert_eq!(rules(&serums)[0], "serums_thin_to_thick");
    let sun = answered("sunscreen or moisturizer which comes first");
    assert!(
        sun.answer.starts_with("Moisturizer, then sunscreen."),
        "{}",
        sun.answer
    );
}

#[test]
fn swelling_in_other_words_is_urgent_and_a_near_word_is_not() {
    // A part of the body that swells, with a sign of it, in whatever words.
    for question in [
        "my eyelids and lips are puffing up a few hours after a new cream, is that dangerous?",
        "tongue feels bigger after i tried a lip scrub",
        "my throat is tightening after the peel",
    ] {
        let answer = answered(question);
        assert!(
            answer.answer.starts_with("This can be an emergency"),
            "{question}: {}",
            answer.answer
        );
    }
    // "bleaching" is two slips from "breathing": no emergency.
    let melasma = ask(
        knowledge(),
        "my melasma gets darker every summer even tho im using a bleaching cream",
    );
    assert!(!melasma.understood.asks.contains(&"urgent".to_string()));
    // A slip still reads: "breathng", "swolen".
    for question in ["cant breathng after this mask", "my lips are swolen"] {
        assert!(
            answered(question)
                .answer
                .starts_with("This can be an emergency"),
            "{question}"
        );
    }
}

#[test]
fn a_skin_type_is_answered_by_what_suits_it() {
    let dry = answered("is a clay mask good for dry skin");
    assert!(
        dry.answer.starts_with("Not the best for dry skin"),
        "{}",
        dry.answer
    );
    let oily = answered("is a clay mask ok for oily skin and how often");
    assert!(
        oily.answer
            .starts_with("Yes: a clay mask suits oily skin, up to 3 times a week"),
        "{}",
        oily.answer
    );
    let sensitive = answered("sensitive skin which mask is ok");
    assert!(
        sensitive
            .answer
            .starts_with("For sensitive skin, masks that suit it"),
        "{}",
        sensitive.answer
    );
    assert!(!sensitive.answer.contains("clay"), "{}", sensitive.answer);
    assert!(rules(&sensitive).contains(&"sensitive_fewer_actives"));
    // A life stage still comes first: pregnancy is its own answer.
    let pregnant = answered("is retinol ok for oily skin when pregnant");
    assert!(pregnant.answer.starts_with("No"), "{}", pregnant.answer);
}

#[test]
fn a_mask_in_general_with_an_active_is_answered_mask_type_by_mask_type() {
    let answer = answered("can you use facial masks while using tretinoin?");
    assert!(
        answer.answer.starts_with("Yes, with the right mask"),
        "{}",
        answer.answer
    );
    // The exfoliating mask goes on another night, by the rule that keeps them apart.
    let (fits, apart) = answer
        .answer
        .split_once("goes on another night")
        .expect("split");
    assert!(fits.contains("a sheet mask") && fits.contains("an exfoliating mask"));
    assert!(!apart.is_empty());
    assert!(!fits
        .split_once("goes with")
        .expect("goes with")
        .0
        .contains("exfoliating"));
    assert!(
        rules(&answer).contains(&"retinoid_acids"),
        "{:?}",
        rules(&answer)
    );
}

#[test]
fn things_that_are_no_active_are_answered_in_pregnancy_by_what_regimen_knows_of_them() {
    // Tea tree is an essential oil: no pregnancy rule of its own, and the gate's rule.
    let answer = answered("is tea tree oil ok to put on my pimples while pregnant?");
    assert!(answer
        .answer
        .contains("no pregnancy rule of its own about tea tree"));
    assert!(rules(&answer).contains(&"essential_oil_never_neat"));
    assert!(rules(&answer).contains(&"pregnancy"));
    // A clay mask: no rule against it.
    let answer = answered("can i use a clay mask while pregnant");
    assert!(
        answer
            .answer
            .starts_with("Yes: regimen has no rule against clay masks in pregnancy"),
        "{}",
        answer.answer
    );
}

#[test]
fn a_name_is_no_question_and_a_condition_answers_its_own_reactions() {
    // "redness" in the name of a kind of product reports no redness.
    let understood = regimen_core::ask::understand(knowledge(), "do redness creams work");
    assert!(
        !understood.asks.contains(&"reaction".to_string()),
        "{understood:?}"
    );
    let understood = regimen_core::ask::understand(knowledge(), "my redness cream burns");
    assert!(understood.asks.contains(&"reaction".to_string()));
    // Stinging with rosacea: the condition's care, not a general pause.
    let answer = answered("i have rosacea and every sunscreen i try stings and makes me red");
    assert!(
        answer.answer.starts_with("With rosacea"),
        "{}",
        answer.answer
    );
}

#[test]
fn things_that_are_no_active_are_answered_while_breastfeeding_too() {
    let answer = answered("is it ok to use a sheet mask while breastfeeding");
    assert!(
        answer
            .answer
            .starts_with("Yes: regimen has no rule against sheet masks while breastfeeding"),
        "{}",
        answer.answer
    );
    assert!(rules(&answer).contains(&"breastfeeding_off_breast"));
    let answer = answered("can i use tea tree oil while breastfeeding");
    assert!(rules(&answer).contains(&"essential_oil_never_neat"));
}

#[test]
fn a_skin_tone_is_answered_by_a_statement_not_a_yes() {
    // "Should I avoid it?" must not be answered "yes".
    let answer = answered("i have dark skin and get dark marks, should i avoid benzoyl peroxide?");
    assert!(
        answer
            .answer
            .starts_with("With a deeper skin tone, benzoyl peroxide can be used, started slowly"),
        "{}",
        answer.answer
    );
    assert!(rules(&answer).contains(&"skin_tone_pih"));
}
