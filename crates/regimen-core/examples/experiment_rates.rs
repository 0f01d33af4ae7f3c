//! Prints how often the experiment's verdicts find what is there, over simulated
//! people (see regimen_core::experiment::simulate), for the README:
//! `cargo run --release -p regimen-core --example experiment_rates [PEOPLE] [REDRAWS]`.

use regimen_core::experiment::simulate::{simulate, Scenario};
use regimen_core::{Knowledge, Profile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let people: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let redraws: usize = args.next().map_or(Ok(999), |a| a.parse())?;
    let knowledge = Knowledge::builtin()?;
    let profile = Profile::from_toml(
        "skin_type = \"combination\"\nconcerns = [\"acne\", \"dullness\"]\ngoal = \"both\"\nminutes_pm = 20\n",
    )?;
    let base = Scenario {
        mask_effect: 0.0,
        serum_trend_per_week: 0.0,
        noise: 0.8,
        correlation: 0.0,
        weeks: 8,
        days_checked_in: 57,
    };
    println!("{people} simulated people each, 8-week plans, 2 masks a week, ratings with noise 0.8 (rounded to 1-5), {redraws} re-draws, acne and dullness rated:");
    let rows: [(&str, Scenario); 10] = [
        (
            "masks: a true effect of 1 point",
            Scenario {
                mask_effect: 1.0,
                ..base
            },
        ),
        (
            "masks: a true effect of 0.5 points",
            Scenario {
                mask_effect: 0.5,
                ..base
            },
        ),
        ("masks: no effect", base),
        (
            "serums: a 1-point change",
            Scenario {
                serum_trend_per_week: 1.0 / 6.5,
                ..base
            },
        ),
        ("serums: no change", base),
        (
            "serums: no change, streaky ratings (0.5)",
            Scenario {
                correlation: 0.5,
                ..base
            },
        ),
        (
            "serums: no change, streaky ratings (0.8)",
            Scenario {
                correlation: 0.8,
                ..base
            },
        ),
        (
            "serums: a 1-point change, streaky (0.5)",
            Scenario {
                serum_trend_per_week: 1.0 / 6.5,
                correlation: 0.5,
                ..base
            },
        ),
        (
            "masks: no effect, streaky ratings (0.8)",
            Scenario {
                correlation: 0.8,
                ..base
            },
        ),
        (
            "one week of check-ins, effect of 1 point",
            Scenario {
                mask_effect: 1.0,
                days_checked_in: 7,
                ..base
            },
        ),
    ];
    for (i, (name, scenario)) in rows.iter().enumerate() {
        let rates = simulate(
            &knowledge,
            &profile,
            *scenario,
            people,
            redraws,
            100 + i as u64,
        );
        println!(
            "  {name:<44} masks: better {:>5.1}%, worse {:>4.1}%, not enough data {:>5.1}%; serums: improved {:>5.1}%, worsened {:>4.1}%, not enough data {:>5.1}%",
            100.0 * rates.masks_share("better"),
            100.0 * rates.masks_share("worse"),
            100.0 * rates.masks_share("not_enough_data"),
            100.0 * rates.serums_share("improved"),
            100.0 * rates.serums_share("worsened"),
            100.0 * rates.serums_share("not_enough_data"),
        );
    }
    Ok(())
}
