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
        carry_over: 0.0,
        weekly_looks: false,
        skip_bad_days: 0.0,
        concerns_rated: 2,
        weeks: 8,
        days_checked_in: 57,
    };
    println!("{people} simulated people each, 8-week plans, 2 masks a week, ratings with noise 0.8 (rounded to 1-5), {redraws} re-draws, acne (named first) and dullness rated unless a row says otherwise:");
    let rows: Vec<(&str, Scenario)> = vec![
        (
            "masks add 1 point",
            Scenario {
                mask_effect: 1.0,
                ..base
            },
        ),
        (
            "masks add 0.5 points",
            Scenario {
                mask_effect: 0.5,
                ..base
            },
        ),
        ("masks do nothing", base),
        (
            "masks do nothing; a look every week, stopping at the first verdict",
            Scenario {
                weekly_looks: true,
                skip_bad_days: 0.0,
                concerns_rated: 2,
                ..base
            },
        ),
        (
            "masks do nothing; bad mornings skipped half the time",
            Scenario {
                skip_bad_days: 0.5,
                ..base
            },
        ),
        (
            "masks do nothing; four concerns rated",
            Scenario {
                concerns_rated: 4,
                ..base
            },
        ),
        (
            "masks add 0.5 points; four concerns rated",
            Scenario {
                mask_effect: 0.5,
                concerns_rated: 4,
                ..base
            },
        ),
        (
            "masks add 1 point for two mornings",
            Scenario {
                mask_effect: 1.0,
                carry_over: 1.0,
                ..base
            },
        ),
        (
            "masks do nothing; streaky ratings (0.8)",
            Scenario {
                correlation: 0.8,
                ..base
            },
        ),
        (
            "masks add 1 point; streaky ratings (0.5)",
            Scenario {
                mask_effect: 1.0,
                correlation: 0.5,
                ..base
            },
        ),
        (
            "the serum period brings 1 point",
            Scenario {
                serum_trend_per_week: 1.0 / 6.5,
                ..base
            },
        ),
        ("nothing changes", base),
        (
            "nothing changes; streaky ratings (0.5)",
            Scenario {
                correlation: 0.5,
                ..base
            },
        ),
        (
            "nothing changes; streaky ratings (0.8)",
            Scenario {
                correlation: 0.8,
                ..base
            },
        ),
        (
            "the serum period brings 1 point; streaky (0.5)",
            Scenario {
                serum_trend_per_week: 1.0 / 6.5,
                correlation: 0.5,
                ..base
            },
        ),
        (
            "one week of check-ins, masks add 1 point",
            Scenario {
                mask_effect: 1.0,
                days_checked_in: 7,
                ..base
            },
        ),
    ];
    // The Monte Carlo error of a share: 1.96 standard errors, in points of percent.
    let error = |share: f64| 196.0 * (share * (1.0 - share) / people.max(1) as f64).sqrt();
    println!("| the truth | masks: `better` | masks: `worse` | serums: `improved` | serums: `worsened` | `not_enough_data` | mean mask difference (vs other mornings / vs clear mornings) |");
    println!("|---|---|---|---|---|---|---|");
    for (i, (name, scenario)) in rows.iter().enumerate() {
        let rates = simulate(
            &knowledge,
            &profile,
            *scenario,
            people,
            redraws,
            100 + i as u64,
        );
        let cell = |share: f64| format!("{:.1}% ± {:.1}", 100.0 * share, error(share));
        let (d, clear) = rates.mean_differences();
        println!(
            "| {name} | {} | {} | {} | {} | {:.0}% | {d:.2} / {clear:.2} |",
            cell(rates.masks_share("better")),
            cell(rates.masks_share("worse")),
            cell(rates.serums_share("improved")),
            cell(rates.serums_share("worsened")),
            100.0 * rates.masks_share("not_enough_data"),
        );
    }
    Ok(())
}
