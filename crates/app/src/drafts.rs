//! Drafting a deal's next play.

use crate::pipeline::{self, DealView};
use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::compose::{self, ComposeError, Composer, Draft};
use rekindle_core::lint::{self, Finding};
use rekindle_core::{DealId, PlayKind};
use std::collections::BTreeMap;

/// A draft and the deal view it was drafted from.
pub struct Drafted {
    pub view: DealView,
    pub draft: Draft,
}

/// Drafts `play` for the deal, or its next play when `play` is `None`, at `now`, with the
/// caller's templates (`composer`). The draft passes the tone linter and goes to a reachable
/// person, or it is an error (`compose`'s invariants).
///
/// Errors: `NotFound` for an unknown deal; [`AppError::NothingToDraft`] when no play is due
/// and none was named; [`AppError::Compose`] when the play cannot be drafted now.
pub async fn draft(
    store: &rekindle_store::Store,
    caller: &Caller,
    composer: &Composer,
    id: DealId,
    play: Option<PlayKind>,
    now: Timestamp,
) -> Result<Drafted, AppError> {
    let view = pipeline::deal(store, caller, id, now).await?;
    let draft = draft_of(composer, &view, play, now)?;
    Ok(Drafted { view, draft })
}

/// [`draft`] for a deal already read ([`pipeline::deal`]): a page that shows the deal and its
/// draft reads it once.
///
/// Errors: as [`draft`]'s, but the store's.
pub fn draft_of(
    composer: &Composer,
    view: &DealView,
    play: Option<PlayKind>,
    now: Timestamp,
) -> Result<Draft, AppError> {
    let play = match play {
        Some(p) => p,
        None => match view.assessment.next_action.play {
            Some(p) => p,
            None => {
                return Err(AppError::NothingToDraft {
                    deal: view.record.deal.id,
                    why: view.assessment.next_action.why.clone(),
                });
            }
        },
    };
    Ok(composer.draft(&view.record, &view.assessment, play, now, &view.policy)?)
}

/// The tone check of a message the rep wrote or edited: the pesky phrases, shouting and the
/// like it holds (`lint::lint`, DOMAIN.md "Turned off by tactics"), each with where it is, why
/// it hurts and what works better. The outbox refuses a text with findings (`outbox::edit`,
/// `outbox::queue_edited`).
pub fn tone(text: &str) -> Vec<Finding> {
    lint::lint(text)
}

/// The play a template file is for: its name is the play's and `.txt` (`breakup.txt`), the
/// play's exact spelling.
///
/// Errors: [`AppError::Unfit`] naming the file (`shown`) and every name a template may have.
pub fn template_play(shown: &str, file_name: &str) -> Result<PlayKind, AppError> {
    file_name
        .strip_suffix(".txt")
        .and_then(|stem| PlayKind::parse(stem).ok().filter(|p| p.as_str() == stem))
        .ok_or_else(|| {
            let names = compose::TEMPLATES
                .iter()
                .map(|(p, _)| format!("{}.txt", p.as_str()))
                .collect::<Vec<_>>()
                .join(", ");
            AppError::Unfit(format!(
                "template {shown}: no play has this name; a template is named after its play: {names}"
            ))
        })
}

/// Checks one of the rep's templates alone: it parses and keeps to what a message template may
/// do (`compose::bounds`), so that an error names its file (`shown`).
///
/// Errors: [`AppError::Unfit`] naming the file and what is wrong with it.
pub fn check_template(shown: &str, play: PlayKind, source: &str) -> Result<(), AppError> {
    let alone = BTreeMap::from([(play.as_str().to_string(), source.to_string())]);
    match Composer::new(&alone) {
        Ok(_) => Ok(()),
        Err(e) => {
            let problem = match e {
                ComposeError::Template { message, .. } => message,
                other => other.to_string(),
            };
            Err(AppError::Unfit(format!("template {shown}: {problem}")))
        }
    }
}

/// The composer with the rep's own templates in place of the built-in ones, each checked
/// alone first ([`check_template`]). `templates` holds (the file as shown, its play, its
/// text), as the front-end read them.
///
/// Errors: [`AppError::Unfit`] naming the file and what is wrong with it.
pub fn composer(templates: Vec<(String, PlayKind, String)>) -> Result<Composer, AppError> {
    let mut overrides = BTreeMap::new();
    let mut origins = Vec::new();
    for (shown, play, source) in templates {
        check_template(&shown, play, &source)?;
        overrides.insert(play.as_str().to_string(), source);
        origins.push((play, shown));
    }
    let mut composer = Composer::new(&overrides)?;
    // A template that fails as it renders names its file, not only its play.
    for (play, origin) in origins {
        composer.set_origin(play, origin);
    }
    Ok(composer)
}
