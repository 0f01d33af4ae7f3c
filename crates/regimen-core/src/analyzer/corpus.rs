//! Lists as packs print them, scored against their parse written by hand (the corpus in
//! `eval/lists/`, one JSON object a line: `text`, `ingredients`, `may_contain`). Each
//! expected name is read alone, the whole text is read, and the two are aligned in order
//! (the longest common subsequence): how many expected names the full read finds where
//! they are (recall), and how many of the items it reads are expected (precision). The
//! test in `tests/it/lists.rs` and `regimen eval` both use it.

use super::{Analyzer, Options, Report};
use serde::Deserialize;

/// One list with its expected parse.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// The product's barcode (where the list comes from).
    pub code: String,
    /// The list as printed.
    pub text: String,
    /// The ingredients, in order, as a careful reader splits them.
    pub ingredients: Vec<String>,
    /// The names of its "may contain" block.
    pub may_contain: Vec<String>,
}

/// The corpus read from its JSON lines; a line that is no case names its number.
pub fn cases(jsonl: &str) -> Result<Vec<Case>, String> {
    jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The figures over a corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Score {
    /// Lists read.
    pub lists: usize,
    /// Expected names (an entry that names several INCI names counts each).
    pub expected: usize,
    /// Items the full reads gave.
    pub read: usize,
    /// Expected names read in place.
    pub paired: usize,
    /// Expected "may contain" names.
    pub may_expected: usize,
    /// Of them, read in place.
    pub may_paired: usize,
    /// The lists whose read differs most, with how many names differ.
    pub worst: Vec<(usize, String)>,
}

impl Score {
    /// Expected names read in place, as a share.
    pub fn recall(&self) -> f64 {
        self.paired as f64 / self.expected.max(1) as f64
    }

    /// Items read that are expected, as a share.
    pub fn precision(&self) -> f64 {
        self.paired as f64 / self.read.max(1) as f64
    }

    /// "May contain" names read in place, as a share.
    pub fn may_recall(&self) -> f64 {
        self.may_paired as f64 / self.may_expected.max(1) as f64
    }
}

/// What one item is to the analyzer: its INCI name when recognised, else its written
/// form made plain.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Known(String),
    Unknown(String),
}

fn plain(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The items of a report in list order (the further products after it), the "may
/// contain" ones apart.
fn items(report: &Report<'_>) -> (Vec<Item>, Vec<Item>) {
    let mut listed: Vec<(usize, Item)> = Vec::new();
    let mut may: Vec<Item> = Vec::new();
    for i in &report.ingredients {
        match i.position {
            Some(p) if !i.may_contain => listed.push((p, Item::Known(i.inci.to_string()))),
            _ => may.push(Item::Known(i.inci.to_string())),
        }
    }
    for u in &report.unknown {
        match u.position {
            Some(p) => listed.push((p, Item::Unknown(plain(&u.name)))),
            None => may.push(Item::Unknown(plain(&u.name))),
        }
    }
    listed.sort_by_key(|(p, _)| *p);
    let mut listed: Vec<Item> = listed.into_iter().map(|(_, i)| i).collect();
    for more in &report.more_products {
        let (l, m) = items(more);
        listed.extend(l);
        may.extend(m);
    }
    (listed, may)
}

/// An expected name read alone: its items (several when one entry names several INCI
/// names, "CI 77491, CI 77492, CI 77499 (Iron Oxides)"), or its written form when the
/// analyzer reads nothing in it.
fn alone(analyzer: &Analyzer, name: &str) -> Vec<Item> {
    let report = analyzer.analyze(name, &Options::default());
    let (mut listed, may) = items(&report);
    listed.extend(may);
    if listed.is_empty() {
        listed.push(Item::Unknown(plain(name)));
    }
    listed
}

/// How many items of `a` and `b` pair up in order (the longest common subsequence).
fn aligned(a: &[Item], b: &[Item]) -> usize {
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        let mut diagonal = 0;
        for (j, y) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = if x == y { diagonal + 1 } else { up.max(row[j]) };
            diagonal = up;
        }
    }
    row[b.len()]
}

/// The corpus scored by this analyzer.
pub fn score(analyzer: &Analyzer, cases: &[Case]) -> Score {
    let mut score = Score {
        lists: cases.len(),
        ..Score::default()
    };
    for case in cases {
        let report = analyzer.analyze(&case.text, &Options::default());
        let (listed, may) = items(&report);
        let want: Vec<Item> = case
            .ingredients
            .iter()
            .flat_map(|n| alone(analyzer, n))
            .collect();
        let want_may: Vec<Item> = case
            .may_contain
            .iter()
            .flat_map(|n| alone(analyzer, n))
            .collect();
        let pairs = aligned(&want, &listed);
        score.expected += want.len();
        score.read += listed.len();
        score.paired += pairs;
        score.may_expected += want_may.len();
        score.may_paired += aligned(&want_may, &may);
        let missed = want.len() + listed.len() - 2 * pairs;
        if missed > 0 {
            score.worst.push((missed, case.code.clone()));
        }
    }
    score.worst.sort_by(|a, b| b.cmp(a));
    score.worst.truncate(12);
    score
}
