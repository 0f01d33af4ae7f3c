//! The matcher on every real ingredient list the repository holds: found piece by piece
//! (cut at separators no spelling covers, whole names looked up), it finds exactly what
//! one pass of the automaton over the whole text finds.

use regimen_core::analyzer::Analyzer;
use regimen_core::Knowledge;

#[test]
fn pieces_find_what_one_pass_finds_on_every_real_list() {
    let lists: Vec<String> = super::real_lists()
        .into_iter()
        .map(|(_, list)| list)
        .collect();
    assert!(lists.len() > 700, "{} lists", lists.len());
    let knowledge = Knowledge::builtin().expect("knowledge");
    let analyzer = Analyzer::builtin(&knowledge).expect("analyzer");
    let lexicon = analyzer.lexicon();
    let matcher = lexicon.matcher();
    let mut matches = 0;
    for list in &lists {
        let lower = list.to_lowercase();
        let one_pass: Vec<_> = matcher.find_iter(&lower).collect();
        let mut by_pieces = Vec::new();
        lexicon.find_each(&lower, |start, end, pattern| {
            by_pieces.push((start, end, pattern))
        });
        assert_eq!(by_pieces, one_pass, "{lower}");
        matches += one_pass.len();
    }
    assert!(matches > 15_000, "{matches} matches");
}
