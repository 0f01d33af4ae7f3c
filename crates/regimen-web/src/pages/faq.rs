//! The FAQ and the explanation pages.

use super::*;

pub(super) async fn faq_page(
    State(state): State<AppState>,
    viewer: Viewer,
    RawQuery(query): RawQuery,
) -> PageResult {
    let knowledge = state.knowledge();
    // A question asked in the form: composed from the rules, or "did you mean".
    let question: String = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.chars().take(regimen_core::ask::MAX_QUESTION).collect())
        .unwrap_or_default();
    let asked = !question.trim().is_empty();
    let answer = asked.then(|| regimen_core::ask::ask(knowledge, &question));
    let answered = answer
        .as_ref()
        .is_some_and(|a| a.confidence != regimen_core::ask::Confidence::Low);
    // The lead alone: the points are listed below it, each with its source.
    let lead = answer.as_ref().map_or(String::new(), |a| {
        if !answered {
            return a.answer.clone();
        }
        let points: String = a
            .points
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        a.answer
            .strip_suffix(points.as_str())
            .unwrap_or(&a.answer)
            .trim()
            .to_string()
    });
    let points: Vec<Value> = answer
        .as_ref()
        .map(|a| {
            a.points
                .iter()
                .map(|p| context! { text => p.text.clone(), source => p.source.clone(), link => p.link.clone() })
                .collect()
        })
        .unwrap_or_default();
    let did_you_mean = answer
        .as_ref()
        .map(|a| a.did_you_mean.clone())
        .unwrap_or_default();
    let faqs: Vec<Value> = knowledge
        .faqs
        .iter()
        .map(|f| {
            let cited = knowledge.source(&f.source);
            let source = cited.map(|s| s.citation.clone()).unwrap_or_default();
            let link = cited.and_then(|s| s.link());
            context! { id => f.id.clone(), question => f.question.clone(), answer => f.answer.clone(), source, link }
        })
        .collect();
    let mask_types: Vec<Value> = knowledge
        .mask_types
        .iter()
        .map(|m| context! { id => m.id.clone(), name => m.name.clone() })
        .collect();
    let actives: Vec<Value> = knowledge
        .actives
        .iter()
        .map(|a| context! { id => a.id.clone(), name => a.name.clone() })
        .collect();
    render(
        "faq.html",
        &viewer,
        "faq",
        StatusCode::OK,
        context! { faqs, mask_types, actives, question, asked, answered, lead, points, did_you_mean },
    )
}

pub(super) async fn explain_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    match explain(state.knowledge(), &id) {
        Some(explanation) => {
            let points: Vec<Value> = explanation
                .points
                .iter()
                .map(|p| context! { text => p.text.clone(), source => p.source.clone(), link => p.link.clone() })
                .collect();
            render(
                "explain.html",
                &viewer,
                "faq",
                StatusCode::OK,
                context! { title => explanation.title, points },
            )
        }
        None => {
            let close = suggest(state.knowledge(), &id);
            let message = if close.is_empty() {
                "regimen has no explanation by that name.".to_string()
            } else {
                format!(
                    "regimen has no explanation by that name. Close ones: {}.",
                    close.join(", ")
                )
            };
            let page = error_page(StatusCode::NOT_FOUND, "Not found", &message);
            Ok(page)
        }
    }
}
