//! Drafting a deal's next play.

use crate::pipeline::{self, DealView};
use crate::{AppError, Caller};
use jiff::Timestamp;
use rekindle_core::compose::{Composer, Draft};
use rekindle_core::{DealId, PlayKind};

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
    let play = match play {
        Some(p) => p,
        None => match view.assessment.next_action.play {
            Some(p) => p,
            None => {
                return Err(AppError::NothingToDraft {
                    deal: id,
                    why: view.assessment.next_action.why.clone(),
                });
            }
        },
    };
    let draft = composer.draft(&view.record, &view.assessment, play, now, &view.policy)?;
    Ok(Drafted { view, draft })
}
