//! The FAQ and the explanation pages.

use super::*;

pub(super) async fn faq_page(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let knowledge = state.knowledge();
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
        context! { faqs, mask_types, actives },
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
