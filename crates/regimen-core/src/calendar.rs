//! iCalendar export: one event per routine, with its steps in the description, in
//! floating local time so that a calendar app shows it at the person's own clock. A
//! routine that repeats unchanged on consecutive days is one event with a daily rule
//! (RRULE, COUNT); each event can carry a reminder (VALARM).

use crate::knowledge::Knowledge;
use crate::plan::{Plan, StepEntry};
use crate::vocab::Routine;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use icalendar::{Alarm, Calendar, Component, Event, EventLike};

/// When routines start, and the time stamp written into every event.
#[derive(Debug, Clone, Copy)]
pub struct CalendarOptions {
    /// Start of the morning routine.
    pub am: NaiveTime,
    /// Start of the evening routine.
    pub pm: NaiveTime,
    /// When the calendar was made (DTSTAMP), in UTC.
    pub stamp: NaiveDateTime,
    /// A reminder this many minutes before each routine.
    pub remind: Option<u32>,
}

/// Renders a plan as an iCalendar document.
pub fn to_ics(knowledge: &Knowledge, plan: &Plan<'_>, options: &CalendarOptions) -> String {
    let mut calendar = Calendar::new();
    calendar.name("regimen skincare plan");
    let stamp = options.stamp.format("%Y%m%dT%H%M%SZ").to_string();
    for (routine, time) in [(Routine::Am, options.am), (Routine::Pm, options.pm)] {
        let steps_of = |i: usize| -> &[StepEntry<'_>] {
            match routine {
                Routine::Am => &plan.days[i].am,
                Routine::Pm => &plan.days[i].pm,
            }
        };
        // Runs of days with the same routine: one event each, repeating daily.
        let mut i = 0;
        while i < plan.days.len() {
            let steps = steps_of(i);
            let mut end = i + 1;
            while end < plan.days.len() && steps_of(end) == steps {
                end += 1;
            }
            if !steps.is_empty() {
                let day = &plan.days[i];
                let start = day.date.0.and_time(time);
                let minutes = Plan::minutes(steps).max(1);
                let summary = summary(knowledge, routine, steps);
                let mut event = Event::new();
                event
                    .uid(&format!("regimen-{}-{}", day.date, routine.id()))
                    .add_property("DTSTAMP", &stamp)
                    .summary(&summary)
                    .description(&description(knowledge, steps))
                    .starts(start)
                    .ends(start + Duration::minutes(i64::from(minutes)));
                if end - i > 1 {
                    event.add_property("RRULE", format!("FREQ=DAILY;COUNT={}", end - i));
                }
                if let Some(lead) = options.remind {
                    // Its own stable id, so the same plan gives the same calendar.
                    let mut alarm = Alarm::display(&summary, -Duration::minutes(i64::from(lead)));
                    alarm.uid(&format!("regimen-{}-{}-alarm", day.date, routine.id()));
                    alarm.add_property("DTSTAMP", &stamp);
                    event.alarm(alarm);
                }
                calendar.push(event.done());
            }
            i = end;
        }
    }
    calendar.done().to_string()
}

fn summary(knowledge: &Knowledge, routine: Routine, steps: &[StepEntry<'_>]) -> String {
    let when = match routine {
        Routine::Am => "Morning skincare",
        Routine::Pm => "Evening skincare",
    };
    match steps.iter().find(|s| s.mask_type.is_some()) {
        Some(mask) => format!("{when}: {}", mask.display_name(knowledge).to_lowercase()),
        None => when.to_string(),
    }
}

fn description(knowledge: &Knowledge, steps: &[StepEntry<'_>]) -> String {
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            // The person's own product, when the step uses one.
            let product = step
                .product
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            format!(
                "{}. {}{product} - {} min",
                i + 1,
                step.display_name(knowledge),
                step.minutes
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
